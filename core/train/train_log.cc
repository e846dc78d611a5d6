#include "core/train/train_log.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/train/svg.h"

namespace bioner::train {
namespace {

// Everything an epoch measures; see EpochRecordFromJson for the keys left out.
const std::vector<std::string> kEpochKeys = {
    "epoch",  "step",          "learning_rate", "train_loss", "dev_loss",
    "dev_f1", "dev_precision", "dev_recall",    "seconds",    "tokens_per_second"};

}  // namespace

StatusOr<TrainProgress> EpochRecordFromJson(const nlohmann::json& j, const std::string& source) {
  ASSIGN_OR_RETURN(TrainProgress r,
                   ProgressFromJson(j, source, TrainProgress::Event::kEpoch, kEpochKeys));
  if (r.event != TrainProgress::Event::kEpoch) {
    return InvalidArgument(source + ": a training log record must be an epoch's, not a " +
                           EventName(r.event) + " record");
  }
  return r;
}

std::string TrainLogJsonl(const std::vector<TrainProgress>& records) {
  std::string out;
  for (const auto& r : records) out += ProgressJsonLine(r) + "\n";
  return out;
}

std::string TrainSummaryMarkdown(const std::string& title,
                                 const std::vector<TrainProgress>& records, int best_epoch) {
  std::string out = "# " + title + "\n\n";
  out += "| epoch | step | lr | train loss | dev loss | dev P | dev R | dev F1 | s | tokens/s |\n";
  out += "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  char buf[512];
  for (const auto& r : records) {
    std::snprintf(buf, sizeof buf, "| %d%s | %lld | %.3g | %.4f | %.4f | %.4f | %.4f | %.4f | %.1f | %.0f |\n",
                  r.epoch, r.epoch == best_epoch ? " (selected)" : "", static_cast<long long>(r.step),
                  r.learning_rate, r.train_loss, r.dev_loss, r.dev_precision, r.dev_recall, r.dev_f1, r.seconds,
                  r.tokens_per_second);
    out += buf;
  }
  out += "\nDev scores are strict, micro over the corpora; the selected epoch has the best dev F1.\n";
  return out;
}

std::string LearningCurvesSvg(const std::vector<TrainProgress>& records) {
  Series train{"train loss", "#1f77b4", {}, {}}, dev{"dev loss", "#d62728", {}, {}};
  Series p{"dev P", "#2ca02c", {}, {}}, r{"dev R", "#9467bd", {}, {}}, f{"dev F1", "#ff7f0e", {}, {}};
  for (const auto& e : records) {
    for (Series* s : {&train, &dev, &p, &r, &f}) s->x.push_back(e.epoch);
    train.y.push_back(e.train_loss);
    dev.y.push_back(e.dev_loss);
    p.y.push_back(e.dev_precision);
    r.y.push_back(e.dev_recall);
    f.y.push_back(e.dev_f1);
  }
  LineChart loss{"Loss", "epoch", "cross-entropy", {train, dev}};
  LineChart scores{"Dev scores (strict)", "epoch", "score", {p, r, f}};
  scores.y_min = 0, scores.y_max = 1;
  return SvgDocument({loss, scores});
}

}  // namespace bioner::train
