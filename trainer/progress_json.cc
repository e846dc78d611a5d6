#include "trainer/progress_json.h"

#include <limits>
#include <nlohmann/json.hpp>

namespace bioner::trainer {
namespace {

using train::TrainProgress;

const char* EventName(TrainProgress::Event e) {
  switch (e) {
    case TrainProgress::Event::kStart:
      return "start";
    case TrainProgress::Event::kStep:
      return "step";
    case TrainProgress::Event::kEpoch:
      return "epoch";
  }
  return "?";
}

// JSON has no NaN: nlohmann writes a non-finite number as null, read back as NaN.
double Number(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return 0;
  if (it->is_null()) return std::numeric_limits<double>::quiet_NaN();
  return it->get<double>();
}

}  // namespace

std::string ProgressJsonLine(const TrainProgress& p) {
  nlohmann::json j = {{"event", EventName(p.event)},
                      {"epoch", p.epoch},
                      {"epochs", p.epochs},
                      {"step", p.step},
                      {"total_steps", p.total_steps},
                      {"train_loss", p.train_loss},
                      {"learning_rate", p.learning_rate},
                      {"tokens_per_second", p.tokens_per_second}};
  if (p.event == TrainProgress::Event::kEpoch) {
    j["dev_loss"] = p.dev_loss;
    j["dev_precision"] = p.dev_precision;
    j["dev_recall"] = p.dev_recall;
    j["dev_f1"] = p.dev_f1;
  }
  return j.dump();
}

StatusOr<TrainProgress> ParseProgressLine(std::string_view line) {
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object())
    return InvalidArgument("progress line is not a JSON object: " +
                           std::string(line.substr(0, 80)));
  TrainProgress p;
  const auto e = j.find("event");
  const std::string event = e != j.end() && e->is_string() ? e->get<std::string>() : "";
  if (event == "start") {
    p.event = TrainProgress::Event::kStart;
  } else if (event == "step") {
    p.event = TrainProgress::Event::kStep;
  } else if (event == "epoch") {
    p.event = TrainProgress::Event::kEpoch;
  } else {
    return InvalidArgument("progress line has no known \"event\": " +
                           std::string(line.substr(0, 80)));
  }
  try {
    p.epoch = j.value("epoch", 0);
    p.epochs = j.value("epochs", 0);
    p.step = j.value("step", int64_t{0});
    p.total_steps = j.value("total_steps", int64_t{0});
    p.train_loss = Number(j, "train_loss");
    p.learning_rate = Number(j, "learning_rate");
    p.tokens_per_second = Number(j, "tokens_per_second");
    p.dev_loss = Number(j, "dev_loss");
    p.dev_precision = Number(j, "dev_precision");
    p.dev_recall = Number(j, "dev_recall");
    p.dev_f1 = Number(j, "dev_f1");
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(std::string("progress line has a field of the wrong type: ") + e.what());
  }
  return p;
}

}  // namespace bioner::trainer
