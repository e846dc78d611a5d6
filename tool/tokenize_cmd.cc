// bioner-tool tokenize: JSONL {"text": ...} on stdin, one JSONL
// {"tokens": [...], "ids": [...], "offsets": [[start, end], ...]} on stdout per input line, in
// order (offsets in code points, no [CLS]/[SEP]). Blank lines are skipped. The first line
// that cannot be read or tokenized is reported on stderr with its line number and ends the
// run with exit code 1, so the output never falls out of step with the input.
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/text/tokenizer.h"
#include "core/util/args.h"
#include "tool/commands.h"

namespace bioner::tool {
namespace {

StatusOr<text::BertTokenizer> MakeTokenizer(const ArgParser& args) {
  if (args.Has("vocab") == args.Has("model")) {
    return InvalidArgument("give exactly one of --vocab FILE and --model DIR");
  }
  if (args.GetBool("lowercase") && args.GetBool("cased")) {
    return InvalidArgument("--lowercase and --cased contradict each other");
  }
  std::optional<bool> lowercase;
  if (args.GetBool("lowercase")) lowercase = true;
  if (args.GetBool("cased")) lowercase = false;
  if (args.Has("model")) return text::BertTokenizer::FromModelDir(args.Get("model"), lowercase);
  ASSIGN_OR_RETURN(text::Vocab vocab, text::Vocab::Load(args.Get("vocab")));
  text::TokenizerOptions options;
  options.lowercase = lowercase.value_or(false);
  return text::BertTokenizer::Create(std::move(vocab), options);
}

// The output line for one input line, or an error naming the line.
StatusOr<std::string> TokenizeLine(const text::BertTokenizer& tokenizer, const std::string& line,
                                   size_t line_no) {
  const std::string where = "stdin line " + std::to_string(line_no);
  nlohmann::json in;
  try {
    in = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(where + ": not valid JSON: " + e.what());
  }
  if (!in.is_object() || !in.contains("text") || !in["text"].is_string()) {
    return InvalidArgument(where + ": expected an object with a string \"text\"");
  }
  StatusOr<text::Encoding> enc = tokenizer.Encode(in["text"].get_ref<const std::string&>());
  if (!enc.ok()) return enc.status().WithContext(where);
  nlohmann::json out;
  out["tokens"] = enc->tokens;
  out["ids"] = enc->ids;
  out["offsets"] = enc->offsets;
  return out.dump();
}

}  // namespace

int RunTokenize(int argc, char** argv) {
  ArgParser args("bioner-tool tokenize",
                 "BERT WordPiece tokenization (Hugging Face BertTokenizerFast semantics) of "
                 "JSONL {\"text\"} lines from stdin.");
  args.AddValue("vocab", "FILE", "WordPiece vocab.txt (cased unless --lowercase)");
  args.AddValue("model", "DIR", "Hugging Face model folder: vocab.txt + tokenizer_config.json");
  args.AddBool("lowercase", "lowercase and strip accents (overrides the model folder)");
  args.AddBool("cased", "keep case and accents (overrides the model folder)");
  if (auto exit_code = args.ParseCommandLine(argc, argv)) return *exit_code;
  StatusOr<text::BertTokenizer> tokenizer = MakeTokenizer(args);
  if (!tokenizer.ok()) {
    std::cerr << "bioner-tool tokenize: " << tokenizer.status() << "\n";
    return 2;
  }
  std::ios::sync_with_stdio(false);
  std::string line;
  size_t line_no = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    StatusOr<std::string> out = TokenizeLine(*tokenizer, line, line_no);
    if (!out.ok()) {
      std::cout.flush();
      std::cerr << "bioner-tool tokenize: " << out.status() << "\n";
      return 1;
    }
    std::cout << *out << '\n';
  }
  std::cout.flush();
  return std::cout ? 0 : 1;
}

}  // namespace bioner::tool
