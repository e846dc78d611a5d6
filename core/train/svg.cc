#include "core/train/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/util/strings.h"

namespace bioner::train {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string Label(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

constexpr double kLeft = 52, kRight = 12, kTop = 28, kBottom = 58;

}  // namespace

std::string ChartGroup(const LineChart& chart, double ox, double oy) {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const Series& s : chart.series) {
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      x0 = std::min(x0, s.x[i]);
      x1 = std::max(x1, s.x[i]);
      y0 = std::min(y0, s.y[i]);
      y1 = std::max(y1, s.y[i]);
    }
  }
  if (!std::isfinite(x0)) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  if (chart.y_min < chart.y_max) {
    y0 = chart.y_min, y1 = chart.y_max;
  } else {
    const double pad = (y1 - y0) * 0.05;
    y0 -= pad, y1 += pad;
  }
  if (x1 <= x0) x0 -= 0.5, x1 += 0.5;
  if (y1 <= y0) y0 -= 0.5, y1 += 0.5;
  const double pw = chart.width - kLeft - kRight, ph = chart.height - kTop - kBottom;
  auto px = [&](double x) { return kLeft + (x - x0) / (x1 - x0) * pw; };
  auto py = [&](double y) { return kTop + (1 - (y - y0) / (y1 - y0)) * ph; };

  std::string g = "<g transform=\"translate(" + Num(ox) + "," + Num(oy) + ")\" font-family=\"sans-serif\" font-size=\"11\">\n";
  g += "<text x=\"" + Num(chart.width / 2) + "\" y=\"16\" text-anchor=\"middle\" font-size=\"13\">" +
       XmlEscape(chart.title) + "</text>\n";
  g += "<rect x=\"" + Num(kLeft) + "\" y=\"" + Num(kTop) + "\" width=\"" + Num(pw) + "\" height=\"" + Num(ph) +
       "\" fill=\"none\" stroke=\"#444\"/>\n";
  for (int i = 0; i <= 4; ++i) {  // y ticks with grid lines
    const double v = y0 + (y1 - y0) * i / 4, y = py(v);
    g += "<line x1=\"" + Num(kLeft) + "\" y1=\"" + Num(y) + "\" x2=\"" + Num(kLeft + pw) + "\" y2=\"" + Num(y) +
         "\" stroke=\"#ddd\"/>\n";
    g += "<text x=\"" + Num(kLeft - 4) + "\" y=\"" + Num(y + 4) + "\" text-anchor=\"end\">" + Label(v) + "</text>\n";
  }
  const double step = std::max(1.0, std::ceil((x1 - x0) / 10));  // integer epochs, at most ~10 labels
  for (double v = std::ceil(x0); v <= x1 + 1e-9; v += step) {
    g += "<text x=\"" + Num(px(v)) + "\" y=\"" + Num(kTop + ph + 14) + "\" text-anchor=\"middle\">" + Label(v) +
         "</text>\n";
  }
  g += "<text x=\"" + Num(kLeft + pw / 2) + "\" y=\"" + Num(kTop + ph + 30) + "\" text-anchor=\"middle\">" +
       XmlEscape(chart.x_label) + "</text>\n";
  g += "<text transform=\"translate(12," + Num(kTop + ph / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
       XmlEscape(chart.y_label) + "</text>\n";
  double lx = kLeft;
  for (const Series& s : chart.series) {
    std::string points;
    std::string marks;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      points += Num(px(s.x[i])) + "," + Num(py(s.y[i])) + " ";
      marks += "<circle cx=\"" + Num(px(s.x[i])) + "\" cy=\"" + Num(py(s.y[i])) + "\" r=\"2.5\" fill=\"" +
               XmlEscape(s.color) + "\"/>\n";
    }
    g += "<polyline fill=\"none\" stroke=\"" + XmlEscape(s.color) + "\" stroke-width=\"1.8\" points=\"" + points +
         "\"/>\n" + marks;
    const double ly = chart.height - 10;
    g += "<line x1=\"" + Num(lx) + "\" y1=\"" + Num(ly - 4) + "\" x2=\"" + Num(lx + 16) + "\" y2=\"" + Num(ly - 4) +
         "\" stroke=\"" + XmlEscape(s.color) + "\" stroke-width=\"2\"/>\n";
    g += "<text x=\"" + Num(lx + 20) + "\" y=\"" + Num(ly) + "\">" + XmlEscape(s.name) + "</text>\n";
    lx += 28 + 7.0 * static_cast<double>(s.name.size());
  }
  return g + "</g>\n";
}

std::string SvgDocument(const std::vector<LineChart>& charts) {
  double w = 0, h = 0;
  for (const LineChart& c : charts) w += c.width, h = std::max(h, c.height);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    Num(w) + "\" height=\"" + Num(h) + "\" viewBox=\"0 0 " + Num(w) + " " + Num(h) + "\">\n" +
                    "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  double x = 0;
  for (const LineChart& c : charts) {
    out += ChartGroup(c, x, 0);
    x += c.width;
  }
  return out + "</svg>\n";
}

}  // namespace bioner::train
