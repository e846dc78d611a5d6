#include "core/train/progress.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

namespace bioner::train {
namespace {

using nlohmann::json;
using Event = TrainProgress::Event;

// The events with their names in JSON.
constexpr std::pair<Event, const char*> kEvents[] = {
    {Event::kStart, "start"}, {Event::kStep, "step"}, {Event::kEpoch, "epoch"}};

// Every key of the record with its member, listed once so that the writer and the reader
// cannot disagree about a name.
template <typename T>
struct Key {
  const char* name;
  T TrainProgress::*member;
};
constexpr Key<int> kInts[] = {{"epoch", &TrainProgress::epoch}, {"epochs", &TrainProgress::epochs}};
constexpr Key<int64_t> kInt64s[] = {{"step", &TrainProgress::step},
                                    {"total_steps", &TrainProgress::total_steps}};
constexpr Key<double> kNumbers[] = {{"train_loss", &TrainProgress::train_loss},
                                    {"learning_rate", &TrainProgress::learning_rate},
                                    {"tokens_per_second", &TrainProgress::tokens_per_second}};
// Only an epoch record measures these (ProgressKeys::kOfEvent).
constexpr Key<double> kEpochNumbers[] = {{"dev_loss", &TrainProgress::dev_loss},
                                         {"dev_precision", &TrainProgress::dev_precision},
                                         {"dev_recall", &TrainProgress::dev_recall},
                                         {"dev_f1", &TrainProgress::dev_f1},
                                         {"seconds", &TrainProgress::seconds}};

// nlohmann would also print a NaN as null, but the JSON value itself would still hold it.
json Number(double v) { return std::isfinite(v) ? json(v) : json(); }

template <typename T>
Status ReadInteger(const json& j, const Key<T>& key, const std::string& source, TrainProgress* p) {
  const auto it = j.find(key.name);
  if (it == j.end()) return Status::Ok();
  const json& v = *it;
  // Through int64_t, so that an int member refuses what it cannot hold instead of wrapping.
  const int64_t value = v.is_number_integer() ? v.get<int64_t>() : 0;
  if (!v.is_number_integer() || value < std::numeric_limits<T>::min() ||
      value > std::numeric_limits<T>::max()) {
    return InvalidArgument(source + ": \"" + key.name + "\" must be an integer, got " + v.dump());
  }
  p->*key.member = static_cast<T>(value);
  return Status::Ok();
}

Status ReadNumber(const json& j, const Key<double>& key, const std::string& source,
                  TrainProgress* p) {
  const auto it = j.find(key.name);
  if (it == j.end()) return Status::Ok();
  if (it->is_null()) {
    p->*key.member = std::numeric_limits<double>::quiet_NaN();
  } else if (it->is_number()) {
    p->*key.member = it->get<double>();
  } else {
    return InvalidArgument(source + ": \"" + key.name + "\" must be a number or null, got " +
                           it->dump());
  }
  return Status::Ok();
}

}  // namespace

const char* EventName(Event event) {
  for (const auto& [e, name] : kEvents) {
    if (e == event) return name;
  }
  return "?";
}

void ProgressToJson(const TrainProgress& p, json* out, ProgressKeys keys) {
  json& j = *out;
  j["event"] = EventName(p.event);
  for (const auto& k : kInts) j[k.name] = p.*k.member;
  for (const auto& k : kInt64s) j[k.name] = p.*k.member;
  for (const auto& k : kNumbers) j[k.name] = Number(p.*k.member);
  if (keys == ProgressKeys::kAll || p.event == Event::kEpoch) {
    for (const auto& k : kEpochNumbers) j[k.name] = Number(p.*k.member);
  }
}

std::string ProgressJsonLine(const TrainProgress& p) {
  json j = json::object();
  ProgressToJson(p, &j);
  return j.dump();
}

StatusOr<TrainProgress> ProgressFromJson(const json& j, const std::string& source,
                                         std::optional<Event> default_event,
                                         const std::vector<std::string>& required) {
  if (!j.is_object()) return InvalidArgument(source + ": a progress record must be a JSON object");
  for (const std::string& key : required) {
    if (!j.contains(key)) {
      return InvalidArgument(source + ": progress record without \"" + key + "\"");
    }
  }
  TrainProgress p;
  const auto e = j.find("event");
  if (e == j.end()) {
    if (!default_event) return InvalidArgument(source + ": progress record without \"event\"");
    p.event = *default_event;
  } else {
    const auto known = std::find_if(std::begin(kEvents), std::end(kEvents), [&](const auto& k) {
      return e->is_string() && *e == k.second;
    });
    if (known == std::end(kEvents)) {
      return InvalidArgument(source + ": progress record with an unknown \"event\": " + e->dump());
    }
    p.event = known->first;
  }
  for (const auto& k : kInts) RETURN_IF_ERROR(ReadInteger(j, k, source, &p));
  for (const auto& k : kInt64s) RETURN_IF_ERROR(ReadInteger(j, k, source, &p));
  for (const auto& k : kNumbers) RETURN_IF_ERROR(ReadNumber(j, k, source, &p));
  for (const auto& k : kEpochNumbers) RETURN_IF_ERROR(ReadNumber(j, k, source, &p));
  return p;
}

StatusOr<TrainProgress> ParseProgressLine(std::string_view line, const std::string& source) {
  const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return InvalidArgument(source +
                           ": progress line is not JSON: " + std::string(line.substr(0, 80)));
  }
  return ProgressFromJson(j, source, std::nullopt);
}

}  // namespace bioner::train
