#include "server/annotator.h"

#include <map>
#include <mutex>
#include <utility>

namespace bioner::server {
namespace {

// The shared state of one document in flight. Every window reports once; the last report
// (or the submitter's release, whichever is later) assembles the entities.
class DocumentTask : public std::enable_shared_from_this<DocumentTask> {
 public:
  struct Part {
    std::shared_ptr<const ServingModel> model;
    std::shared_ptr<const PreparedDocument> prepared;
    std::vector<std::vector<float>> logits;
  };

  DocumentTask(Document doc, std::vector<Part> parts, DocumentDone done)
      : doc_(std::move(doc)), parts_(std::move(parts)), done_(std::move(done)) {
    pending_ = 1;  // the submitter's hold
    for (Part& p : parts_) {
      p.logits.resize(p.prepared->inputs.size());
      pending_ += p.prepared->inputs.size();
    }
  }

  std::vector<Part>& parts() { return parts_; }

  void OnWindow(size_t part, size_t input, StatusOr<std::vector<float>> logits) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (logits.ok()) {
        parts_[part].logits[input] = std::move(logits).value();
      } else if (error_.ok()) {
        error_ = logits.status();
      }
    }
    Release(1);
  }

  // The submitter gave up: windows that were never queued will not report, and `done` must
  // not be called.
  void Abandon(size_t unsubmitted_windows) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      abandoned_ = true;
    }
    Release(unsubmitted_windows);
  }

  void Release(size_t n) {
    bool last;
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_ -= n;
      last = pending_ == 0;
    }
    if (last) Complete();
  }

 private:
  void Complete() {
    if (abandoned_) return;
    if (!error_.ok()) {
      Finish(error_);
      return;
    }
    std::vector<Entity> all;
    for (const Part& p : parts_) {
      auto entities = AssembleEntities(doc_, *p.prepared, p.model->tagging.model->labels(),
                                       p.logits, p.model->version);
      if (!entities.ok()) {
        Finish(entities.status());
        return;
      }
      for (Entity& e : *entities) all.push_back(std::move(e));
    }
    Status added = doc_.AddEntities(std::move(all));
    if (!added.ok()) {
      Finish(added);
      return;
    }
    Finish(std::move(doc_));
  }

  void Finish(StatusOr<Document> result) {
    DocumentDone done = std::move(done_);
    done(std::move(result));
  }

  std::mutex mu_;
  Document doc_;
  std::vector<Part> parts_;
  DocumentDone done_;
  size_t pending_ = 0;
  Status error_;
  bool abandoned_ = false;
};

}  // namespace

Status AnnotateDocument(Document doc, const std::vector<std::shared_ptr<const ServingModel>>& models,
                        std::shared_ptr<const WorkTicket> ticket, DocumentDone done) {
  // Tokenized once per distinct tokenizer and window length.
  std::map<std::pair<const text::TextEncoder*, int>, std::shared_ptr<const PreparedDocument>> prepared;
  std::vector<DocumentTask::Part> parts;
  for (const auto& m : models) {
    auto& p = prepared[{m->tagging.tokenizer.get(), m->window.max_seq_len}];
    if (!p) {
      ASSIGN_OR_RETURN(PreparedDocument pd, PrepareDocument(doc, *m->tagging.tokenizer, m->window));
      p = std::make_shared<const PreparedDocument>(std::move(pd));
    }
    parts.push_back(DocumentTask::Part{m, p, {}});
  }
  auto doc_ticket = std::make_shared<WorkTicket>(Clock::time_point::max(), std::move(ticket));
  auto task = std::make_shared<DocumentTask>(std::move(doc), std::move(parts), std::move(done));
  auto& task_parts = task->parts();
  for (size_t i = 0; i < task_parts.size(); ++i) {
    Status s = task_parts[i].model->batcher->Submit(
        task_parts[i].prepared, doc_ticket,
        [task, i](size_t input, StatusOr<std::vector<float>> logits) {
          task->OnWindow(i, input, std::move(logits));
        });
    if (!s.ok()) {
      size_t unsubmitted = 1;  // the submitter's hold
      for (size_t j = i; j < task_parts.size(); ++j) unsubmitted += task_parts[j].prepared->inputs.size();
      doc_ticket->Cancel();
      for (size_t j = 0; j < i; ++j) task_parts[j].model->batcher->Purge();
      task->Abandon(unsubmitted);
      return s;
    }
  }
  task->Release(1);
  return Status::Ok();
}

}  // namespace bioner::server
