// bioner-client annotate over many files (--in DIR_OR_FILE... --out-dir DIR,
// client/annotate_files.h) end to end against the real bioner-server binary with tiny random
// models: a folder of real samples (generated documents where ../shared is absent) into one
// output per input with valid offsets, corrupt inputs refused by name while the others
// complete, resume that skips finished files and continues a partial one, after a partial
// output and after a kill, shards, progress lines, and the refused flag combinations.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "client/input_list.h"
#include "core/doc/jsonl.h"
#include "core/formats/inputs.h"
#include "core/util/file.h"
#include "core/util/utf8.h"
#include "tests/integration/server_process.h"
#include "tests/integration/subprocess.h"

namespace bioner {
namespace {

namespace fs = std::filesystem;

const std::string kClient = std::string(BIONER_BINARY_DIR) + "/client/bioner-client";

// The folder of real sample files: the repository's test data, else the shared data folder
// ($BIONER_SHARED_DIR, which wins over the one configured at build time, so that an empty
// folder there runs the test as a fresh clone would); "" when none has them.
std::string SamplesDir() {
  std::vector<std::string> candidates;
#ifdef BIONER_TEST_DATA_DIR
  candidates.push_back(std::string(BIONER_TEST_DATA_DIR) + "/samples/");
#endif
  const char* env = std::getenv("BIONER_SHARED_DIR");
  candidates.push_back(std::string(env != nullptr && *env != '\0' ? env : BIONER_SHARED_DIR) +
                       "/samples/");
  for (const std::string& c : candidates) {
    if (fs::exists(c + "pubmed_xml/pubmed26n1335.xml.gz") &&
        fs::exists(c + "pubmed_xml/pubmed26n1334.xml.gz") &&
        fs::exists(c + "pmc_oa_jats/pntd.0002065.nxml")) {
      return c;
    }
  }
  return "";
}

const char* kSentences[] = {
    "BRCA1 and BRCA2 mutations increase the risk of breast and ovarian cancer.",
    "Aspirin reduced the incidence of colorectal adenoma in patients with Lynch syndrome.",
    "Naïve mice treated with cisplatin developed nephrotoxicity and hearing loss.",
    "The p53 tumour suppressor is mutated in most human cancers, including HeLa cells.",
};

std::vector<Document> MakeDocs(const std::string& prefix, int n) {
  std::vector<Document> docs;
  for (int i = 0; i < n; ++i) {
    const std::string title = kSentences[i % 4];
    const std::string abstract =
        std::string(kSentences[(i + 1) % 4]) + " Case " + std::to_string(i) + ".";
    StatusOr<Document> d =
        Document::Create(prefix + std::to_string(i),
                         {{"title", 0, title}, {"abstract", utf8::Length(title) + 1, abstract}});
    EXPECT_TRUE(d.ok()) << d.status();
    docs.push_back(std::move(*d));
  }
  return docs;
}

// The documents of an input file as the client reads them, by id.
std::map<std::string, Document> ReadAsClient(const std::string& path) {
  std::map<std::string, Document> out;
  StatusOr<std::string> format = DetectInputFormat(path);
  EXPECT_TRUE(format.ok()) << format.status();
  if (!format.ok()) return out;
  CorpusReport report;
  StatusOr<std::vector<Document>> docs = ReadInput(path, *format, &report);
  EXPECT_TRUE(docs.ok()) << docs.status();
  if (!docs.ok()) return out;
  for (Document& d : *docs) out.emplace(d.id(), std::move(d));
  return out;
}

// Documents of a JSONL output by id; fails the test on a repeated id.
std::map<std::string, Document> ReadOutput(const std::string& path) {
  std::map<std::string, Document> out;
  StatusOr<std::vector<Document>> docs = ReadJsonlFile(path);
  EXPECT_TRUE(docs.ok()) << docs.status();
  if (!docs.ok()) return out;
  for (Document& d : *docs) {
    EXPECT_TRUE(out.emplace(d.id(), d).second) << "document twice in " << path << ": " << d.id();
  }
  return out;
}

// `output` holds every document of `input` once, with its text, and entities whose
// [start, end) code-point spans lie in the text and cover their own text.
void ExpectOutputOf(const std::string& input, const std::string& output) {
  SCOPED_TRACE(input + " -> " + output);
  ASSERT_TRUE(fs::exists(output));
  const std::map<std::string, Document> in = ReadAsClient(input);
  const std::map<std::string, Document> out = ReadOutput(output);
  ASSERT_FALSE(in.empty());
  ASSERT_EQ(out.size(), in.size());
  size_t entities = 0;
  for (const auto& [id, d] : in) {
    auto it = out.find(id);
    ASSERT_NE(it, out.end()) << id;
    const Document& o = it->second;
    EXPECT_EQ(o.text(), d.text()) << id;
    for (const Entity& e : o.entities()) {
      ++entities;
      ASSERT_LT(e.start, e.end) << id;
      ASSERT_LE(e.end, o.length()) << id;
      StatusOr<std::string> span = utf8::Substr(o.text(), e.start, e.end);
      ASSERT_TRUE(span.ok()) << span.status();
      EXPECT_EQ(*span, e.text) << id << " [" << e.start << ", " << e.end << ")";
      EXPECT_FALSE(e.model_version.empty());
    }
  }
  // Large random weights predict plenty of entities: offsets were really checked.
  EXPECT_GT(entities, 0u);
}

// The names in `dir`, sorted.
std::set<std::string> Names(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ClientDirTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = testing::MakeTempDir("bioner_client_dir_test_");
    const std::string repo = dir_ + "/repo";
    ASSERT_TRUE(testing::WriteTinyModel(repo + "/Disease/1", "Disease", 1).ok());
    ASSERT_TRUE(testing::WriteTinyModel(repo + "/Chemical/2", "Chemical", 2).ok());
    const std::string config = dir_ + "/server.yaml";
    std::ofstream(config) << "models:\n  repository: " << repo << "\n  poll_interval_ms: 0\n"
                          << "threads: 1\nbatching:\n  max_queue_delay_ms: 1\n";
    server_ = new testing::ServerProcess();
    Status s = server_->Start(config);
    ASSERT_TRUE(s.ok()) << s;
    BuildInputFolder(Path("in"));
  }
  static void TearDownTestSuite() {
    delete server_;
    testing::RunProcess("rm -rf " + dir_);
  }

  // Real samples (two PubMed baseline files, a PMC article) where ../shared is present, and
  // generated JSONL and plain text either way; beside them what a folder's listing must
  // leave out: a checksum file, a hidden file and a subfolder.
  static void BuildInputFolder(const std::string& in) {
    fs::create_directories(in + "/sub");
    const std::string samples = SamplesDir();
    if (!samples.empty()) {
      for (const char* f : {"pubmed_xml/pubmed26n1334.xml.gz", "pubmed_xml/pubmed26n1335.xml.gz",
                            "pmc_oa_jats/pntd.0002065.nxml"}) {
        fs::copy_file(samples + f, in + "/" + fs::path(f).filename().string());
      }
      files_ = {{"pntd.0002065.nxml", "pntd.0002065.jsonl"},
                {"pubmed26n1334.xml.gz", "pubmed26n1334.jsonl"},
                {"pubmed26n1335.xml.gz", "pubmed26n1335.jsonl"}};
    } else {
      std::cerr << "note: no sample files (tests/data/samples, $BIONER_SHARED_DIR/samples, "
                << BIONER_SHARED_DIR << "/samples); the folder holds generated inputs only\n";
    }
    ASSERT_TRUE(WriteJsonlFile(in + "/batch-a.jsonl", MakeDocs("a", 30)).ok());
    std::ofstream(in + "/notes.txt") << kSentences[0] << "\n\n"
                                     << kSentences[1] << "\n"
                                     << kSentences[2] << "\n\n"
                                     << kSentences[3] << "\n";
    ASSERT_TRUE(WriteJsonlFile(in + "/zz-last.jsonl", MakeDocs("z", 12)).ok());
    files_["batch-a.jsonl"] = "batch-a.jsonl";
    files_["notes.txt"] = "notes.jsonl";
    files_["zz-last.jsonl"] = "zz-last.jsonl";
    fs::create_directories(Path("empty"));
    std::ofstream(in + "/pubmed26n1335.xml.gz.md5") << "MD5(x)= 0123\n";
    std::ofstream(in + "/.hidden.jsonl") << "not json\n";
    std::ofstream(in + "/sub/inner.jsonl") << "not json\n";
  }

  static std::string Path(const std::string& name) { return dir_ + "/" + name; }

  static testing::ProcessResult Client(const std::string& args) {
    return testing::RunProcess(kClient + " annotate --server " + server_->address() + " " + args);
  }

  // Copies the input folder (without its subfolder) to `name`.
  static std::string CopyInputs(const std::string& name) {
    fs::create_directories(Path(name));
    for (const auto& [f, o] : files_) fs::copy_file(Path("in/" + f), Path(name + "/" + f));
    return Path(name);
  }

  static std::set<std::string> OutputNames() {
    std::set<std::string> names;
    for (const auto& [f, o] : files_) names.insert(o);
    return names;
  }

  // Every input of `in` has its output in `out`, and `out` holds nothing else.
  static void ExpectAllOutputs(const std::string& in, const std::string& out) {
    EXPECT_EQ(Names(out), OutputNames());
    for (const auto& [f, o] : files_) ExpectOutputOf(in + "/" + f, out + "/" + o);
  }

  static std::string dir_;
  static testing::ServerProcess* server_;
  static std::map<std::string, std::string> files_;  // input folder's inputs -> output names
};

std::string ClientDirTest::dir_;
testing::ServerProcess* ClientDirTest::server_ = nullptr;
std::map<std::string, std::string> ClientDirTest::files_;

std::string Files(size_t n) { return std::to_string(n) + (n == 1 ? " file" : " files"); }

TEST_F(ClientDirTest, FolderIntoOneOutputPerInput) {
  testing::ProcessResult r = Client("--in " + Path("in") + " --out-dir " + Path("out") +
                                    " --streams 2 --window 4 --types Disease,Chemical");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectAllOutputs(Path("in"), Path("out"));
  // The listing says what it left out, and the report what was done.
  EXPECT_TRUE(Contains(r.err, std::to_string(files_.size()) +
                                  " input files; ignored: 1 other "
                                  "file (no document extension, e.g. pubmed26n1335.xml.gz.md5), "
                                  "1 subfolder (not entered)"))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "done: " + Files(files_.size()) + " annotated")) << r.err;
  EXPECT_FALSE(Contains(r.err, "refused")) << r.err;
}

TEST_F(ClientDirTest, CorruptInputsAreRefusedByNameAndTheOthersComplete) {
  const std::string in = CopyInputs("bad");
  // A truncated gzip (a download cut short) and an XML file cut in the middle of an element,
  // named so that good files come before and after them.
  std::string xml = "<?xml version=\"1.0\"?>\n<PubmedArticleSet>\n";
  for (int i = 1; i <= 40; ++i) {
    xml += "<PubmedArticle><MedlineCitation><PMID>" + std::to_string(900000 + i) +
           "</PMID><Article><ArticleTitle>" + kSentences[i % 4] +
           "</ArticleTitle><Abstract><AbstractText>" + kSentences[(i + 1) % 4] +
           "</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle>\n";
  }
  xml += "</PubmedArticleSet>\n";
  std::ofstream(in + "/m-truncated.xml") << xml;
  ASSERT_EQ(testing::RunProcess("gzip -n " + in + "/m-truncated.xml").exit_code, 0);
  const std::string gz = in + "/m-truncated.xml.gz";
  fs::resize_file(gz, fs::file_size(gz) / 2);
  std::ofstream(in + "/m-broken.xml") << xml.substr(0, xml.size() / 2);

  testing::ProcessResult r = Client("--in " + in + " --out-dir " + Path("bad.out"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(Contains(r.err, "refused: 2 files could not be read")) << r.err;
  EXPECT_TRUE(Contains(r.err, in + "/m-truncated.xml.gz: DATA_LOSS")) << r.err;
  EXPECT_TRUE(Contains(r.err, in + "/m-broken.xml: INVALID_ARGUMENT")) << r.err;
  EXPECT_TRUE(Contains(r.err, "done: " + Files(files_.size()) + " annotated")) << r.err;
  // Nothing under the refused files' names, not even a .partial; the rest is complete.
  ExpectAllOutputs(in, Path("bad.out"));
}

TEST_F(ClientDirTest, ResumeSkipsFinishedFilesAndContinuesThePartialOne) {
  const std::string out = Path("resume.out");
  ASSERT_EQ(Client("--in " + Path("in") + " --out-dir " + out).exit_code, 0);
  const std::string full = *ReadFile(out + "/batch-a.jsonl");
  // What an interrupted run leaves: batch-a.jsonl was being written (10 complete lines and
  // half of the 11th under its .partial name), zz-last.jsonl not started, the others done.
  std::istringstream lines(full);
  std::string line, partial;
  for (int i = 0; i < 11 && std::getline(lines, line); ++i) {
    partial += i < 10 ? line + "\n" : line.substr(0, line.size() / 2);
  }
  fs::remove(out + "/batch-a.jsonl");
  fs::remove(out + "/zz-last.jsonl");
  std::ofstream(out + "/batch-a.jsonl.partial", std::ios::binary) << partial;
  std::map<std::string, std::string> finished;
  for (const std::string& name : Names(out)) {
    if (name != "batch-a.jsonl.partial") finished[name] = *ReadFile(out + "/" + name);
  }
  // Finished outputs are not rewritten: an old modification time proves it.
  for (const auto& [name, text] : finished) {
    fs::last_write_time(out + "/" + name, fs::file_time_type::clock::now() - std::chrono::hours(1));
  }
  std::map<std::string, fs::file_time_type> times;
  for (const auto& [name, text] : finished) times[name] = fs::last_write_time(out + "/" + name);

  testing::ProcessResult r = Client("--in " + Path("in") + " --out-dir " + out + " --resume");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(
      Contains(r.err, "skipped: " + Files(files_.size() - 2) + " finished by an earlier run"))
      << r.err;
  EXPECT_TRUE(Contains(
      r.err, "resuming: 10 documents already in " + out + "/batch-a.jsonl.partial, 20 to go"))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "done: 2 files annotated")) << r.err;
  ExpectAllOutputs(Path("in"), out);
  for (const auto& [name, text] : finished) {
    EXPECT_EQ(*ReadFile(out + "/" + name), text) << name;
    EXPECT_EQ(fs::last_write_time(out + "/" + name), times[name]) << name;
  }
  // The model is deterministic: the resumed file is annotated as in the full run.
  const std::map<std::string, Document> resumed = ReadOutput(out + "/batch-a.jsonl");
  std::istringstream again(full);
  while (std::getline(again, line)) {
    StatusOr<Document> d = ParseDocumentJson(line, 1);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(resumed.at(d->id()).entities(), d->entities()) << d->id();
  }

  // Once every output is finished, a resumed run has nothing to do.
  r = Client("--in " + Path("in") + " --out-dir " + out + " --resume");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "done: 0 files annotated")) << r.err;
  EXPECT_TRUE(Contains(r.err, "skipped: " + Files(files_.size()))) << r.err;
}

TEST_F(ClientDirTest, KilledRunResumesWithoutLossOrDuplicates) {
  const std::string in = Path("kill.in");
  fs::create_directories(in);
  for (int f = 0; f < 4; ++f) {
    const std::string name = "part" + std::to_string(f);
    ASSERT_TRUE(WriteJsonlFile(in + "/" + name + ".jsonl", MakeDocs(name + "-", 120)).ok());
  }
  const std::string out = Path("kill.out");
  // SIGKILL after a moment: wherever the run was (inside a file, between two, done), the
  // resumed run must complete every output with each document once.
  testing::RunProcess("timeout -s KILL 1.5 " + kClient + " annotate --server " +
                      server_->address() + " --window 2 --in " + in + " --out-dir " + out);
  testing::ProcessResult r = Client("--in " + in + " --out-dir " + out + " --resume");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Names(out),
            (std::set<std::string>{"part0.jsonl", "part1.jsonl", "part2.jsonl", "part3.jsonl"}));
  for (int f = 0; f < 4; ++f) {
    const std::string name = "part" + std::to_string(f) + ".jsonl";
    ExpectOutputOf(in + "/" + name, out + "/" + name);
  }
}

TEST_F(ClientDirTest, ShardsSplitTheFilesWithoutOverlap) {
  // Inputs named one by one, repeated --in and several values after one --in alike.
  std::vector<std::string> files;
  std::string args;
  for (const auto& [f, o] : files_) {
    files.push_back(Path("in/" + f));
    args += (files.size() % 2 ? " --in " : " ") + files.back();
  }
  const std::string out = Path("shard.out");
  testing::ProcessResult a = Client(args + " --out-dir " + out + " --shard 0/2");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const std::set<std::string> first = Names(out);
  testing::ProcessResult b = Client(args + " --out-dir " + out + " --shard 1/2");
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(Names(out), OutputNames());
  EXPECT_TRUE(Contains(a.err, "shard 0/2: " + std::to_string(first.size()) + " of " +
                                  std::to_string(files.size()) + " files"))
      << a.err;
  EXPECT_TRUE(Contains(b.err, "shard 1/2: " + std::to_string(files.size() - first.size()) + " of " +
                                  std::to_string(files.size()) + " files"))
      << b.err;
  ExpectAllOutputs(Path("in"), out);
}

TEST_F(ClientDirTest, ProgressFlagWritesLinesIntoALog) {
  testing::ProcessResult r =
      Client("--in " + Path("in/batch-a.jsonl") + " --in " + Path("in/zz-last.jsonl") +
             " --out-dir " + Path("progress.out") + " --progress");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // stderr is a pipe here: whole lines, one per finished file (and every 10 s).
  EXPECT_TRUE(Contains(r.err, "progress: file 1/2, 30 documents (0 refused)")) << r.err;
  EXPECT_TRUE(Contains(r.err, "progress: file 2/2, 42 documents (0 refused)")) << r.err;
  EXPECT_TRUE(Contains(r.err, "100.0% of")) << r.err;
  EXPECT_TRUE(Contains(r.err, "ETA 0m00s")) << r.err;
  EXPECT_FALSE(Contains(r.err, "\r")) << r.err;
  // Without the flag and without a terminal: no progress lines.
  r = Client("--in " + Path("in/zz-last.jsonl") + " --out-dir " + Path("progress.out"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(Contains(r.err, "progress:")) << r.err;
}

TEST_F(ClientDirTest, ContradictoryFlagsAreRefusedBeforeAnyWork) {
  const std::string a = Path("in/batch-a.jsonl"), z = Path("in/zz-last.jsonl");
  std::ofstream(Path("same-name.txt")) << kSentences[0] << "\n";
  const std::string same = Path("same-name.txt"), same_jsonl = Path("same-name.jsonl");
  ASSERT_TRUE(WriteJsonlFile(same_jsonl, MakeDocs("s", 2)).ok());
  const std::string out = Path("never");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--in " + a + " " + z + " --out " + out + ".jsonl",
       "is one output file, but 2 inputs were given"},
      {"--in " + a + " --in " + z + " --out " + out + ".jsonl",
       "use --out-dir DIR for one output per input"},
      {"--in " + Path("in") + " --out " + out + ".jsonl", "is a folder; use --out-dir DIR"},
      {"--in " + a + " --out " + out + ".jsonl --out-dir " + out,
       "--out and --out-dir contradict each other"},
      {"--in " + a, "missing --out FILE (for one input file) or --out-dir DIR"},
      {"--out-dir " + out, "missing --in FILE|DIR"},
      {"--in " + Path("in") + " --out-dir " + Path("in"), "is also an input folder"},
      {"--in " + same + " --in " + same_jsonl + " --out-dir " + out, "would both be written to"},
      {"--in " + a + " --in " + a + " --out-dir " + out, "would both be written to"},
      {"--in " + same_jsonl + " --out-dir " + dir_, "which is an input; choose another --out-dir"},
      {"--in " + Path("no-such") + " --out-dir " + out, "no-such: no such file or folder"},
      {"--in " + Path("empty") + " --in " + Path("repo") + " --out-dir " + out,
       "no input files in --in"},
      {"--in " + a + " --out " + out + ".jsonl --shard 0/2", "with --out there is one file"},
      {"--in " + a + " --out-dir " + out + " --shard 2/2", "--shard expects K/N with 0 <= K < N"},
      {"--in " + a + " --out-dir " + out + " --types Disease,Diseas",
       "--types Diseas: no model for it on " + server_->address() + " (served: Chemical, Disease)"},
  };
  for (const auto& [args, message] : cases) {
    testing::ProcessResult r = Client(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_TRUE(Contains(r.err, message)) << args << "\n" << r.err;
  }
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".jsonl"));
}

// The naming and splitting rules on their own (no server).
TEST(ClientInputList, OutputNamesAndShards) {
  using client::OutputNameFor;
  EXPECT_EQ(OutputNameFor("/data/pubmed25n0001.xml.gz", OutputFormat::kJsonl),
            "pubmed25n0001.jsonl");
  EXPECT_EQ(OutputNameFor("Dev.BioC.XML", OutputFormat::kPubtator), "Dev.BioC.pubtator");
  EXPECT_EQ(OutputNameFor("PMC123.nxml", OutputFormat::kBiocXml), "PMC123.xml");
  EXPECT_EQ(OutputNameFor("a.jsonl", OutputFormat::kBiocJson), "a.json");
  EXPECT_EQ(OutputNameFor("export.tsv", OutputFormat::kJsonl), "export.jsonl");
  EXPECT_EQ(OutputNameFor("README", OutputFormat::kJsonl), "README.jsonl");
  EXPECT_EQ(OutputNameFor(".xml.gz", OutputFormat::kJsonl), ".xml.jsonl");

  EXPECT_TRUE(client::ParseShard("3/4").ok());
  for (const char* bad : {"4/4", "-1/4", "1/0", "1", "1/4x", "a/b", "/4"}) {
    EXPECT_FALSE(client::ParseShard(bad).ok()) << bad;
  }
  // Every file in exactly one shard, whichever folder it is listed from.
  std::vector<client::InputFile> files;
  for (int i = 0; i < 200; ++i) files.push_back({"/x/pubmed25n" + std::to_string(i) + ".xml.gz"});
  std::set<std::string> seen;
  for (int k = 0; k < 3; ++k) {
    const std::vector<client::InputFile> part = client::SelectShard(files, {k, 3});
    EXPECT_GT(part.size(), 40u);  // even on average: 200 / 3 each
    for (const client::InputFile& f : part) {
      EXPECT_TRUE(seen.insert(f.path).second) << f.path;
      client::InputFile moved{"/elsewhere/" + fs::path(f.path).filename().string()};
      EXPECT_EQ(client::SelectShard({moved}, {k, 3}).size(), 1u);
    }
  }
  EXPECT_EQ(seen.size(), files.size());
}

}  // namespace
}  // namespace bioner
