// bioner-trainer report: per-type F1 of one or more models next to the published anchors.
#include <iostream>

#include "core/eval/report.h"
#include "core/util/args.h"
#include "trainer/commands.h"

namespace bioner::trainer {

int RunReport(int argc, char** argv) {
  ArgParser args("bioner-trainer report",
                 "Markdown table of per-type F1 from metrics files (the output of "
                 "'bioner-trainer eval --json', or a metrics.json with a \"test\" object) next "
                 "to the seed poster's BioBERT and HunFlair's averages; see "
                 "docs/EVALUATION.md.");
  args.AddList("metrics", "FILE.json", "metrics file, one column each", /*required=*/true);
  args.AddValue("matching", "strict|lenient", "which matching's F1 to show", false, "strict");
  if (auto exit_code = args.ParseCommandLine(argc, argv)) return *exit_code;
  if (!args.positional().empty()) {
    std::cerr << "bioner-trainer report: unexpected argument '" << args.positional().front()
              << "'\n";
    return 2;
  }
  std::vector<MetricsColumn> columns;
  for (const std::string& path : args.GetList("metrics")) {
    auto col = ReadMetricsFile(path, args.Get("matching"));
    if (!col.ok()) {
      std::cerr << "bioner-trainer report: " << col.status().message() << "\n";
      return 1;
    }
    columns.push_back(std::move(col).value());
  }
  std::cout << FormatReport(columns);
  return 0;
}

}  // namespace bioner::trainer
