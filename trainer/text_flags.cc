#include "trainer/text_flags.h"

#include <sstream>

namespace bioner::trainer {

void AddTextFlags(ArgParser* args) {
  args->AddList("in", "FILE",
                "text input (repeatable): .jsonl[.gz] pretraining records or project documents, PubMed XML "
                "(.xml[.gz]), JATS (.nxml), BioC, PubTator, plain text",
                /*required=*/true);
  args->AddValue("exclude-splits", "DIR",
                 "HUNER split folder (e.g. ../shared/corpora/huner_splits): documents whose PMID/PMCID is in any "
                 "dev or test split, or in any split of a held-out corpus, are removed");
  args->AddList("exclude-ids", "FILE", "more ids to remove, one per line (repeatable)");
  args->AddValue("held-out", "PREFIXES",
                 "comma-separated split-file prefixes of the held-out corpora, all of whose splits are removed",
                 false, "craft,bionlp2013_cg");
}

StatusOr<train::ExcludedIds> ExclusionFromFlags(const ArgParser& args) {
  train::ExcludedIds ex;
  if (args.Has("exclude-splits")) {
    std::vector<std::string> prefixes;
    std::stringstream in(args.Get("held-out"));
    for (std::string p; std::getline(in, p, ',');) {
      if (!p.empty()) prefixes.push_back(p);
    }
    RETURN_IF_ERROR(train::AddSplitIds(args.Get("exclude-splits"), prefixes, &ex));
  }
  for (const std::string& f : args.GetList("exclude-ids")) RETURN_IF_ERROR(train::AddIdList(f, &ex));
  return ex;
}

}  // namespace bioner::trainer
