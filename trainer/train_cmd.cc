// bioner-trainer train: fine-tunes a model for one entity type from a YAML config
// (docs/TRAINING.md); bioner-trainer promote: the quality-gated `current` update on its own.
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/repository/repository.h"
#include "core/train/progress.h"
#include "core/train/train_config.h"
#include "core/train/trainer.h"
#include "core/util/args.h"
#include "trainer/commands.h"
#include "trainer/exit_code.h"

namespace bioner::trainer {
namespace {

int Fail(const char* cmd, const Status& s) { return FailCommand(cmd, s); }

}  // namespace

int RunTrain(int argc, char** argv) {
  ArgParser args("bioner-trainer train",
                 "Fine-tunes a BERT token classifier for one entity type and publishes it into the "
                 "model repository (docs/TRAINING.md). Resumes from the work folder after a crash.");
  args.AddValue("config", "FILE.yaml", "training config (every key in docs/TRAINING.md)", /*required=*/true);
  args.AddBool("force", "make the new version current even if its dev F1 is below the served one");
  args.AddBool("check", "validate the config and its files, then exit without training");
  args.AddValue("progress", "FILE", "append JSON lines of progress to FILE (start, steps, epochs; docs/TRAINING.md)");
  args.AddValue("progress-every", "N", "with --progress: a line every N optimizer steps", false, "10");
  if (Status s = args.Parse(argc, argv); !s.ok()) return Fail("train", s);
  if (!args.positional().empty()) {
    return Fail("train", InvalidArgument("unexpected argument '" + args.positional().front() + "'"));
  }
  auto progress_every = args.GetInt("progress-every");
  if (!progress_every.ok()) return Fail("train", progress_every.status());
  if (*progress_every < 1) return Fail("train", InvalidArgument("--progress-every must be >= 1"));
  const std::string& path = args.Get("config");
  auto config = train::ReadTrainConfig(path);
  if (!config.ok()) return Fail("train", config.status());
  if (Status s = train::CheckTrainConfig(*config, path); !s.ok()) return Fail("train", s);
  if (args.GetBool("check")) {
    std::cout << path << ": OK\n";
    return 0;
  }
  train::TrainOptions options;
  options.force = args.GetBool("force");
  options.log = &std::cerr;
  std::ofstream progress;
  if (args.Has("progress")) {
    progress.open(args.Get("progress"), std::ios::app);
    if (!progress) return Fail("train", Unavailable(args.Get("progress") + ": cannot open for appending"));
    const int64_t every = *progress_every;
    options.progress = [&progress, every](const train::TrainProgress& p) {
      const bool step = p.event == train::TrainProgress::Event::kStep;
      if (step && p.step % every != 0 && p.step != p.total_steps) return;
      progress << train::ProgressJsonLine(p) << '\n' << std::flush;  // one write per line
    };
  }
  auto out = train::Train(*config, options);
  if (!out.ok()) return Fail("train", out.status());
  nlohmann::json j = {{"version", out->version},
                      {"version_dir", out->version_dir},
                      {"selected_epoch", out->selected_epoch},
                      {"epochs_run", out->epochs_run},
                      {"resumed_from_epoch", out->resumed_from_epoch},
                      {"dev_f1", out->dev_f1},
                      {"test_f1", out->test_f1},
                      {"promoted", out->promotion.promoted},
                      {"promotion", out->promotion.reason}};
  std::cout << j.dump() << "\n";
  return 0;
}

int RunPromote(int argc, char** argv) {
  ArgParser args("bioner-trainer promote",
                 "Makes VERSION the served version of TYPE (atomic update of MODEL_REPO/TYPE/current) if its "
                 "dev F1 is at least the served version's (docs/TRAINING.md).");
  args.AddValue("repo", "MODEL_REPO", "model repository", true);
  args.AddValue("type", "TYPE", "entity type (folder name)", true);
  args.AddValue("version", "N", "version to promote", true);
  args.AddBool("force", "skip the quality gate");
  if (Status s = args.Parse(argc, argv); !s.ok()) return Fail("promote", s);
  auto version = args.GetInt("version");
  if (!version.ok()) return Fail("promote", version.status());
  const std::string type_dir = args.Get("repo") + "/" + args.Get("type");
  auto p = repository::Promote(type_dir, *version, args.GetBool("force"));
  if (!p.ok()) return Fail("promote", p.status());
  std::cout << (p->promoted ? "promoted: " : "not promoted: ") << p->reason << "\n";
  return p->promoted ? 0 : 3;
}

}  // namespace bioner::trainer
