// DaemonMetrics: every Prometheus metric of `bioner-trainer serve`, built once on one injected
// registry (STYLE.md §10). The names are fixed (a dashboard uses them):
//
//   bioner_trainer_up                                   gauge, 1
//   bioner_trainer_jobs{state=queued|running|succeeded|failed|cancelled}
//                                                       gauge: jobs in each state the daemon knows
//   bioner_trainer_jobs_finished_total{outcome=succeeded|failed|cancelled}
//                                                       counter, since the daemon started
//   bioner_trainer_epoch, _step, _total_steps, _train_loss, _dev_f1, _tokens_per_second
//                                                       gauges of the running (or last) job
//
// Thread safety: prometheus-cpp metrics are thread-safe; the registry is scraped by the
// metrics endpoint's thread while the daemon thread updates. The methods are called by one
// thread (the daemon's).
#ifndef BIONER_TRAINER_DAEMON_METRICS_H_
#define BIONER_TRAINER_DAEMON_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>

#include "core/train/progress.h"
#include "trainer/job_status.h"

namespace bioner::trainer {

class DaemonMetrics {
 public:
  explicit DaemonMetrics(std::shared_ptr<prometheus::Registry> registry);

  void SetJobCounts(const std::map<JobState, int>& counts);  // states absent: 0
  void JobFinished(JobState outcome);                        // succeeded, failed or cancelled
  // A job starts: the gauges of the running job go to 0.
  void ResetProgress();
  // One more --progress line of the running job, merged as its status merges it
  // (MergeProgress, trainer/job_status.h).
  void SetProgress(const train::TrainProgress& line);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::map<JobState, prometheus::Gauge*> jobs_;
  std::map<JobState, prometheus::Counter*> finished_;
  prometheus::Gauge* epoch_;
  prometheus::Gauge* step_;
  prometheus::Gauge* total_steps_;
  prometheus::Gauge* train_loss_;
  prometheus::Gauge* dev_f1_;
  prometheus::Gauge* tokens_per_second_;
  train::TrainProgress progress_;  // of the running job since ResetProgress; daemon thread only
};

}  // namespace bioner::trainer

#endif  // BIONER_TRAINER_DAEMON_METRICS_H_
