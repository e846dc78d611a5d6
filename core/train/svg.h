// A minimal SVG line-chart writer (no plotting library): axes with ticks, one polyline with
// point markers per series, a legend. Enough for learning curves; text is XML-escaped.
//
// Values and stateless functions; thread-safe.
#ifndef BIONER_CORE_TRAIN_SVG_H_
#define BIONER_CORE_TRAIN_SVG_H_

#include <string>
#include <vector>

namespace bioner::train {

struct Series {
  std::string name;
  std::string color;  // any SVG colour, e.g. "#1f77b4"
  std::vector<double> x, y;  // same length; non-finite points are skipped
};

struct LineChart {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  double width = 420, height = 300;
  // y range; when y_min >= y_max it is taken from the data (with 5% headroom).
  double y_min = 0, y_max = 0;
};

// A <g> element drawing `chart` with its top-left corner at (x, y).
std::string ChartGroup(const LineChart& chart, double x, double y);

// A complete SVG document with the charts side by side.
std::string SvgDocument(const std::vector<LineChart>& charts);

}  // namespace bioner::train

#endif  // BIONER_CORE_TRAIN_SVG_H_
