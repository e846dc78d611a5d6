#include "core/decode/smoke.h"

#include <cmath>

namespace bioner {
namespace {

// A real sentence with entities of every type, so the smoke test exercises every label path.
constexpr char kSmokeText[] =
    "BRCA1 mutations cause breast cancer in mice treated with aspirin; HeLa cells too.";

}  // namespace

StatusOr<Document> SmokeTest(const TaggingModel& m, const WindowOptions& window) {
  ASSIGN_OR_RETURN(Document doc, Document::Create("smoke", {Passage{"text", 0, kSmokeText}}));
  ASSIGN_OR_RETURN(PreparedDocument prepared, PrepareDocument(doc, *m.tokenizer, window));
  if (prepared.inputs.empty()) return Internal("the smoke input produced no tokens");
  ASSIGN_OR_RETURN(auto logits, m.model->Run(prepared.inputs));
  ASSIGN_OR_RETURN(auto entities,
                   AssembleEntities(doc, prepared, m.model->labels(), logits, m.version));
  for (const float x : logits.front()) {
    if (!std::isfinite(x))
      return DataLoss("the model produced a non-finite logit on the smoke input");
  }
  RETURN_IF_ERROR(doc.AddEntities(std::move(entities)));
  return doc;
}

}  // namespace bioner
