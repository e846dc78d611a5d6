#include "core/train/work_state.h"

#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/train/train_log.h"
#include "core/util/file.h"

namespace bioner::train {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

}  // namespace

std::string WorkStateToJson(const WorkState& s) {
  json records = json::array();
  for (const auto& r : s.records) {
    json record = json::object();
    ProgressToJson(r, &record);
    records.push_back(std::move(record));
  }
  json j = {{"epoch", s.epoch},         {"step", s.step},       {"best_epoch", s.best_epoch},
            {"best_f1", s.best_f1},     {"records", records},   {"config", s.config_json}};
  return j.dump(1) + "\n";
}

StatusOr<WorkState> ParseWorkState(const std::string& text, const std::string& source) {
  WorkState s;
  try {
    const json j = json::parse(text);
    s.epoch = j.at("epoch").get<int>();
    s.step = j.at("step").get<int64_t>();
    s.best_epoch = j.at("best_epoch").get<int>();
    s.best_f1 = j.at("best_f1").get<double>();
    s.config_json = j.at("config").get<std::string>();
    for (const auto& r : j.at("records")) {
      ASSIGN_OR_RETURN(TrainProgress record, EpochRecordFromJson(r, source));
      s.records.push_back(record);
    }
  } catch (const std::exception& e) {
    return DataLoss(source + ": not a training state: " + e.what());
  }
  return s;
}

std::string EpochDir(const std::string& work_dir, int epoch) {
  return (fs::path(work_dir) / ("epoch-" + std::to_string(epoch))).string();
}
std::string BestDir(const std::string& work_dir, int epoch) {
  return (fs::path(work_dir) / ("best-" + std::to_string(epoch))).string();
}
std::string TempDir(const std::string& work_dir, const std::string& what) {
  return (fs::path(work_dir) / (".tmp-" + what + "-" + std::to_string(::getpid()))).string();
}

StatusOr<std::optional<int>> ReadLatest(const std::string& work_dir) {
  const std::string path = (fs::path(work_dir) / "latest").string();
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<int>();
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  try {
    size_t used = 0;
    const int epoch = std::stoi(text, &used);
    if (epoch >= 1 && text.substr(used).find_first_not_of("\r\n ") == std::string::npos) {
      return std::optional<int>(epoch);
    }
  } catch (const std::exception&) {
  }
  return DataLoss(path + ": expected an epoch number, got '" + text + "'");
}

Status CommitEpoch(const std::string& work_dir, int epoch) {
  return WriteFileAtomic((fs::path(work_dir) / "latest").string(), std::to_string(epoch) + "\n");
}

Status Prune(const std::string& work_dir, int keep_epoch, int keep_best) {
  std::error_code ec;
  std::vector<fs::path> remove;
  for (fs::directory_iterator it(work_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool temp = name.find(".tmp-") != std::string::npos;
    const bool epoch = name.rfind("epoch-", 0) == 0 && it->path() != fs::path(EpochDir(work_dir, keep_epoch));
    const bool best = name.rfind("best-", 0) == 0 && it->path() != fs::path(BestDir(work_dir, keep_best));
    if (temp || epoch || best) remove.push_back(it->path());
  }
  if (ec) return Unavailable(work_dir + ": cannot list: " + ec.message());
  for (const auto& p : remove) {
    fs::remove_all(p, ec);
    if (ec) return Unavailable(p.string() + ": cannot remove: " + ec.message());
  }
  return Status::Ok();
}

}  // namespace bioner::train
