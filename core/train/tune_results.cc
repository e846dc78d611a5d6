#include "core/train/tune_results.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/util/file.h"

namespace bioner::train {
namespace {

using json = nlohmann::json;

json SpaceJson(const std::vector<config::KeyValues>& space) {
  json j = json::array();
  for (const auto& kv : space) j.push_back({{"key", kv.key}, {"values", kv.values}});
  return j;
}

json TrialJson(const TrialResult& t) {
  return {{"trial", t.trial},
          {"values", t.values},
          {"status", t.ok ? "ok" : "failed"},
          {"error", t.error},
          {"dev_f1", t.dev_f1},
          {"dev_precision", t.dev_precision},
          {"dev_recall", t.dev_recall},
          {"selected_epoch", t.selected_epoch},
          {"epochs_run", t.epochs_run},
          {"seconds", t.seconds},
          {"version_dir", t.version_dir}};
}

TrialResult TrialFromJson(const json& j) {
  TrialResult t;
  t.trial = j.at("trial").get<int>();
  t.values = j.at("values").get<std::vector<std::string>>();
  t.ok = j.at("status").get<std::string>() == "ok";
  t.error = j.at("error").get<std::string>();
  t.dev_f1 = j.at("dev_f1").get<double>();
  t.dev_precision = j.at("dev_precision").get<double>();
  t.dev_recall = j.at("dev_recall").get<double>();
  t.selected_epoch = j.at("selected_epoch").get<int>();
  t.epochs_run = j.at("epochs_run").get<int>();
  t.seconds = j.at("seconds").get<double>();
  t.version_dir = j.at("version_dir").get<std::string>();
  return t;
}

// One line of a table cell: tabs and line breaks would break the row.
std::string OneLine(std::string s) {
  std::replace_if(s.begin(), s.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
  return s;
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string MarkdownCell(const std::string& s) {
  std::string out;
  for (char c : OneLine(s)) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

std::string TuneRecordJson(const TuneRecord& r) {
  json trials = json::array();
  for (const auto& t : r.trials) trials.push_back(TrialJson(t));
  json j = {{"base_config", json::parse(r.base_config_json)},
            {"space", SpaceJson(r.space)},
            {"strategy", r.strategy},
            {"seed", r.seed},
            {"selection", "dev F1 (strict micro); test F1 is never used"},
            {"trials", trials}};
  const int best = BestTrial(r.trials);
  if (best >= 0) {
    const TrialResult& b = r.trials[static_cast<size_t>(best)];
    j["best"] = {{"trial", b.trial},
                 {"dev_f1", b.dev_f1},
                 {"test_f1", r.best_test_f1 ? json(*r.best_test_f1) : json()},
                 {"config", r.best_config},
                 {"version_dir", b.version_dir}};
  } else {
    j["best"] = json();
  }
  return j.dump(2) + "\n";
}

StatusOr<TuneRecord> ParseTuneRecord(const std::string& text, const std::string& source) {
  try {
    const json j = json::parse(text);
    TuneRecord r;
    r.base_config_json = j.at("base_config").dump();
    for (const auto& kv : j.at("space")) {
      r.space.push_back({kv.at("key").get<std::string>(), kv.at("values").get<std::vector<std::string>>()});
    }
    r.strategy = j.at("strategy").get<std::string>();
    r.seed = j.at("seed").get<uint64_t>();
    for (const auto& t : j.at("trials")) r.trials.push_back(TrialFromJson(t));
    return r;
  } catch (const std::exception& e) {
    return DataLoss(source + ": not a tune record (written by bioner-trainer tune): " + e.what());
  }
}

Status CheckSameSearch(const TuneRecord& recorded, const TuneRecord& now, const std::string& source) {
  const std::string fix = " (use another --out for a new search, or rerun with the same config and space)";
  const json a = json::parse(recorded.base_config_json), b = json::parse(now.base_config_json);
  for (const auto& [key, value] : b.items()) {
    if (!a.contains(key) || a[key] != value) {
      return FailedPrecondition(source + " records a search over another base config: key '" + key + "' was " +
                                (a.contains(key) ? a[key].dump() : "absent") + ", now " + value.dump() + fix);
    }
  }
  if (a.size() != b.size()) return FailedPrecondition(source + " records a search over another base config" + fix);
  if (SpaceJson(recorded.space) != SpaceJson(now.space)) {
    return FailedPrecondition(source + " records a search over another space: " + SpaceJson(recorded.space).dump() +
                              ", now " + SpaceJson(now.space).dump() + fix);
  }
  if (recorded.strategy != now.strategy || recorded.seed != now.seed) {
    return FailedPrecondition(source + " records a " + recorded.strategy + " search with seed " +
                              std::to_string(recorded.seed) + ", now " + now.strategy + " with seed " +
                              std::to_string(now.seed) + fix);
  }
  return Status::Ok();
}

int BestTrial(const std::vector<TrialResult>& trials) {
  int best = -1;
  for (size_t i = 0; i < trials.size(); ++i) {
    const TrialResult& t = trials[i];
    if (!t.ok) continue;
    const TrialResult* b = best < 0 ? nullptr : &trials[static_cast<size_t>(best)];
    if (!b || t.dev_f1 > b->dev_f1 || (t.dev_f1 == b->dev_f1 && t.trial < b->trial)) best = static_cast<int>(i);
  }
  return best;
}

std::string TrialsTsv(const TuneRecord& r) {
  std::string out = "trial";
  for (const auto& kv : r.space) out += "\t" + OneLine(kv.key);
  out += "\tdev_f1\tdev_precision\tdev_recall\tselected_epoch\tepochs_run\tseconds\tstatus\terror\n";
  for (const auto& t : r.trials) {
    out += std::to_string(t.trial);
    for (const auto& v : t.values) out += "\t" + OneLine(v);
    out += "\t" + Fixed(t.dev_f1, 6) + "\t" + Fixed(t.dev_precision, 6) + "\t" + Fixed(t.dev_recall, 6) + "\t" +
           std::to_string(t.selected_epoch) + "\t" + std::to_string(t.epochs_run) + "\t" + Fixed(t.seconds, 1) +
           "\t" + (t.ok ? "ok" : "failed") + "\t" + OneLine(t.error) + "\n";
  }
  return out;
}

std::string TrialsMarkdown(const TuneRecord& r) {
  std::vector<const TrialResult*> order;
  for (const auto& t : r.trials) order.push_back(&t);
  std::stable_sort(order.begin(), order.end(), [](const TrialResult* a, const TrialResult* b) {
    if (a->ok != b->ok) return a->ok;
    if (a->ok && a->dev_f1 != b->dev_f1) return a->dev_f1 > b->dev_f1;
    return a->trial < b->trial;
  });
  std::string out = "| rank | trial |";
  std::string rule = "| ---: | ---: |";
  for (const auto& kv : r.space) {
    out += " " + MarkdownCell(kv.key) + " |";
    rule += " --- |";
  }
  out += " dev F1 | dev P | dev R | epoch | epochs | seconds | status |\n";
  out += rule + " ---: | ---: | ---: | ---: | ---: | ---: | --- |\n";
  int rank = 0;
  for (const TrialResult* t : order) {
    out += "| " + (t->ok ? std::to_string(++rank) : std::string("-")) + " | " + std::to_string(t->trial) + " |";
    for (const auto& v : t->values) out += " " + MarkdownCell(v) + " |";
    if (t->ok) {
      out += " " + Fixed(t->dev_f1, 4) + " | " + Fixed(t->dev_precision, 4) + " | " + Fixed(t->dev_recall, 4) + " | " +
             std::to_string(t->selected_epoch) + " | " + std::to_string(t->epochs_run) + " | " + Fixed(t->seconds, 1) +
             " | ok |\n";
    } else {
      out += " | | | | | " + Fixed(t->seconds, 1) + " | failed: " + MarkdownCell(t->error) + " |\n";
    }
  }
  return out;
}

std::string TrialValuesText(const std::vector<config::KeyValues>& space, const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < space.size() && i < values.size(); ++i) {
    out += (out.empty() ? "" : " ") + space[i].key + "=" + values[i];
  }
  return out;
}

StatusOr<VersionScores> ReadVersionScores(const std::string& version_dir) {
  const std::string path = (std::filesystem::path(version_dir) / "metrics.json").string();
  ASSIGN_OR_RETURN(const std::string text, ReadFile(path));
  try {
    const json j = json::parse(text);
    VersionScores s;
    s.dev_precision = j.at("dev").at("micro").at("precision").get<double>();
    s.dev_recall = j.at("dev").at("micro").at("recall").get<double>();
    const json& test = j.at("test");
    if (!test.is_null()) s.test_f1 = test.at("micro").at("f1").get<double>();
    return s;
  } catch (const std::exception& e) {
    return DataLoss(path + ": no dev/test micro scores: " + e.what());
  }
}

}  // namespace bioner::train
