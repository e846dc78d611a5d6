#include "core/train/train_log.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/train/svg.h"

namespace bioner::train {

std::string EpochRecordToJson(const EpochRecord& r) {
  nlohmann::json j = {{"epoch", r.epoch},
                      {"step", r.step},
                      {"learning_rate", r.learning_rate},
                      {"train_loss", r.train_loss},
                      {"dev_loss", r.dev_loss},
                      {"dev_precision", r.dev_precision},
                      {"dev_recall", r.dev_recall},
                      {"dev_f1", r.dev_f1},
                      {"seconds", r.seconds},
                      {"tokens_per_second", r.tokens_per_second}};
  return j.dump();
}

StatusOr<EpochRecord> ParseEpochRecord(std::string_view line, const std::string& source) {
  EpochRecord r;
  try {
    const auto j = nlohmann::json::parse(line);
    r.epoch = j.at("epoch").get<int>();
    r.step = j.at("step").get<int64_t>();
    r.learning_rate = j.at("learning_rate").get<double>();
    r.train_loss = j.at("train_loss").get<double>();
    r.dev_loss = j.at("dev_loss").get<double>();
    r.dev_precision = j.at("dev_precision").get<double>();
    r.dev_recall = j.at("dev_recall").get<double>();
    r.dev_f1 = j.at("dev_f1").get<double>();
    r.seconds = j.at("seconds").get<double>();
    r.tokens_per_second = j.at("tokens_per_second").get<double>();
  } catch (const std::exception& e) {
    return InvalidArgument(source + ": bad training log record: " + e.what());
  }
  return r;
}

std::string TrainLogJsonl(const std::vector<EpochRecord>& records) {
  std::string out;
  for (const auto& r : records) out += EpochRecordToJson(r) + "\n";
  return out;
}

std::string TrainSummaryMarkdown(const std::string& title, const std::vector<EpochRecord>& records, int best_epoch) {
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

std::string LearningCurvesSvg(const std::vector<EpochRecord>& records) {
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
