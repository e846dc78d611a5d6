// label_map.json: how a third-party checkpoint's labels become bioner's entity types, in a
// small file beside its config.json, so that the checkpoint is served as downloaded
// (docs/FORMATS.md, "Label maps"). Exactly one of three forms:
//
//   {"types": {"DISEASE": "Disease", "CHEM": "Chemical"}}   B-DISEASE -> B-Disease; O stays
//   {"type": "Disease"}                                      B, I (E, S) -> B-Disease, ...; O stays
//   {"labels": {"LABEL_0": "O", "LABEL_1": "B-Disease", "LABEL_2": "I-Disease"}}
//                                                            label by label (LABEL_n: the order)
//
// plus an optional "comment" string. Validated against the model's labels: every label but a
// literal "O" is mapped, the map names no label or type the model lacks, every target type
// is one of kEntityTypes (core/doc/document.h), no target is reached twice (two types onto
// one, or two labels onto one), and the result is a BIO/BIOES label set. Errors are
// INVALID_ARGUMENT naming the file and the label or type.
//
// Applied by ReadModelFolderConfig (model_folder.h), through which every loader of a BERT folder
// reads its config (LoadModelFolder: TokenClassifier, the tagging loader, the trainer), so code
// that uses the labels sees ours and never the checkpoint's. Torch-free; stateless, thread-safe.
#ifndef BIONER_CORE_MODEL_LABEL_MAP_H_
#define BIONER_CORE_MODEL_LABEL_MAP_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/model/bert_config.h"
#include "core/util/status.h"

namespace bioner {

// Our labels for the checkpoint's `labels` (config.json's id2label, by id) under the map in
// `json_text`; `source` names the map in errors.
StatusOr<std::vector<std::string>> ApplyLabelMap(std::string_view json_text,
                                                 const std::vector<std::string>& labels,
                                                 const std::string& source);

// Reads the label map at `path` and replaces config->labels by the mapped ones. A model
// without labels (an encoder) cannot take a map.
Status ApplyLabelMapFile(const std::string& path, BertConfig* config);

}  // namespace bioner

#endif  // BIONER_CORE_MODEL_LABEL_MAP_H_
