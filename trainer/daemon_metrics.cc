#include "trainer/daemon_metrics.h"

namespace bioner::trainer {
namespace {

prometheus::Gauge* Gauge(prometheus::Registry& r, const std::string& name,
                         const std::string& help) {
  return &prometheus::BuildGauge().Name(name).Help(help).Register(r).Add({});
}

}  // namespace

DaemonMetrics::DaemonMetrics(std::shared_ptr<prometheus::Registry> registry)
    : registry_(std::move(registry)) {
  prometheus::Registry& r = *registry_;
  Gauge(r, "bioner_trainer_up", "1 while the trainer daemon runs")->Set(1);
  auto& jobs = prometheus::BuildGauge()
                   .Name("bioner_trainer_jobs")
                   .Help("Jobs in each state, as the trainer daemon knows them (jobs folder)")
                   .Register(r);
  for (JobState s : kAllJobStates) jobs_[s] = &jobs.Add({{"state", JobStateName(s)}});
  auto& finished = prometheus::BuildCounter()
                       .Name("bioner_trainer_jobs_finished_total")
                       .Help("Jobs finished since the daemon started, by outcome")
                       .Register(r);
  for (JobState s : {JobState::kSucceeded, JobState::kFailed, JobState::kCancelled}) {
    finished_[s] = &finished.Add({{"outcome", JobStateName(s)}});
  }
  epoch_ = Gauge(r, "bioner_trainer_epoch", "Epoch being trained by the running job (1-based)");
  step_ = Gauge(r, "bioner_trainer_step", "Optimizer steps done by the running job");
  total_steps_ =
      Gauge(r, "bioner_trainer_total_steps", "Optimizer steps of the running job in all");
  train_loss_ =
      Gauge(r, "bioner_trainer_train_loss", "Mean training loss of the running job's epoch so far");
  dev_f1_ =
      Gauge(r, "bioner_trainer_dev_f1", "Strict micro dev F1 after the running job's last epoch");
  tokens_per_second_ =
      Gauge(r, "bioner_trainer_tokens_per_second", "Training throughput of the running job");
}

void DaemonMetrics::SetJobCounts(const std::map<JobState, int>& counts) {
  for (auto& [state, gauge] : jobs_) {
    auto it = counts.find(state);
    gauge->Set(it == counts.end() ? 0 : it->second);
  }
}

void DaemonMetrics::JobFinished(JobState outcome) {
  auto it = finished_.find(outcome);
  if (it != finished_.end()) it->second->Increment();
}

void DaemonMetrics::ResetProgress() {
  progress_ = train::TrainProgress();
  for (prometheus::Gauge* g :
       {epoch_, step_, total_steps_, train_loss_, dev_f1_, tokens_per_second_})
    g->Set(0);
}

void DaemonMetrics::SetProgress(const train::TrainProgress& line) {
  MergeProgress(line, &progress_);
  epoch_->Set(progress_.epoch);
  step_->Set(static_cast<double>(progress_.step));
  total_steps_->Set(static_cast<double>(progress_.total_steps));
  train_loss_->Set(progress_.train_loss);
  tokens_per_second_->Set(progress_.tokens_per_second);
  dev_f1_->Set(progress_.dev_f1);
}

}  // namespace bioner::trainer
