// The corpus file-format readers behind FindFormat() (core/formats/format.h), one per format.
// docs/CORPUS_FORMATS.md describes each format, its offset convention and options in full.
//
// Shared contract (implemented once in common.cc):
//  * input.files: absolute paths; an entry that is a directory stands for the files below it
//    (recursive, sorted by path, hidden files skipped) whose names the format knows; a file
//    named explicitly that the format does not know is an INVALID_ARGUMENT error naming it.
//  * Offsets end up in code points of the document; entity types are the corpus's own labels.
//  * Malformed input (bad line, offsets past the end of the text, unknown referenced
//    document, invalid UTF-8, unknown option) is an error naming file and line (or document).
//  * A mention whose stated text differs from the text at its offsets is dropped and counted
//    ("mention text does not match the text at its offsets"); never repaired.
//  * Discontinuous mentions (several fragments): kept as ONE span from the first fragment's
//    start to the last fragment's end only if the text between the fragments is whitespace
//    (counted "discontinuous mention joined (whitespace between fragments)"); otherwise dropped
//    (counted "discontinuous mention dropped (text between fragments)"). The stated text of a
//    joined mention may be either the covered text or the fragments joined by one space.
//  * Zero-length mentions are dropped and counted. Nested and overlapping mentions are all
//    kept (the registry resolves them after label mapping).
//  * A document id seen again is dropped and counted ("duplicate document id: later copy
//    dropped"); the first copy wins.
//
// Stateless functions; thread-safe.
#ifndef BIONER_CORE_FORMATS_READERS_H_
#define BIONER_CORE_FORMATS_READERS_H_

#include <vector>

#include "core/formats/format.h"

namespace bioner::formats {

// BioC XML (.xml): <document><id>, <passage> with <offset>, <text>, <annotation> with
// <infon key="type"> and one or more <location offset length> (document code points).
// Sentence-level annotations are refused (UNIMPLEMENTED), not skipped.
// Option drop_line=<literal>: whole lines equal to it are removed from passage text, and
// offsets behind them shifted (Variome's "** IGNORE LINE **"); mentions touching a removed
// line are dropped and counted. Options replace_from=<s>, replace_to=<t> (together): every
// <s> in passage texts becomes <t> WITHOUT shifting offsets, for damaged text whose offsets
// count the repaired form (Variome's "\uFFFD?" for one closing quote); each one is counted.
StatusOr<std::vector<Document>> ReadBiocXml(const FormatInput& input, CorpusReport* report);

// PubTator (.txt/.pubtator): "pmid|t|title", "pmid|a|abstract", then TAB lines
// "pmid start end text type [ids [names]]" (end exclusive, code points of title + " " +
// abstract); relation lines ("pmid<TAB>CID<TAB>...") are skipped.
StatusOr<std::vector<Document>> ReadPubtator(const FormatInput& input, CorpusReport* report);

// brat standoff: NAME.txt with NAME.ann or NAME.a1; T lines "Tn<TAB>type s e[;s e]<TAB>text";
// other annotation lines ignored. Document id = NAME.
StatusOr<std::vector<Document>> ReadBrat(const FormatInput& input, CorpusReport* report);

// IOB2 (.iob2): "token<TAB>tag" lines, blank line between sentences, "###MEDLINE:<id>" starts
// a document (a file without headers is one document named by the file stem). Text: tokens
// joined by one space, sentences by "\n".
StatusOr<std::vector<Document>> ReadIob2(const FormatInput& input, CorpusReport* report);

// Unified PPI-corpus XML (BioInfer/IEPA/HPRD50). charOffset "a-b[,c-d]" relative to the
// sentence, end EXCLUSIVE (verified on all three corpora). Option ids=document (default: one
// document per <document>, id with '.'->'_', sentences as passages at their charOffset) or
// ids=sentence_index (one document per <sentence>, ids 0,1,2,... running over all files in
// the given order: HUNER's BioInfer split ids with files train, test).
StatusOr<std::vector<Document>> ReadPpiXml(const FormatInput& input, CorpusReport* report);

// PubAnnotation JSON (.json): text, denotations[{span{begin,end}, obj}]; label = obj up to
// the first ':' ("uniprot:P12345" -> "uniprot"). Id = "<sourcedb>-<sourceid>" (else stem).
StatusOr<std::vector<Document>> ReadPubannotationJson(const FormatInput& input,
                                                      CorpusReport* report);

// BioCreative II GM: *.in ("id text" lines) + GENE.eval ("id|s e|text", offsets counting
// non-space characters, end inclusive). Files named ALTGENE* are skipped and counted.
// Option label (default "GENE").
StatusOr<std::vector<Document>> ReadBc2gm(const FormatInput& input, CorpusReport* report);

// LINNAEUS: txt/NAME.txt + a tags TSV (#entity id, document, start, end, text[, comment];
// end exclusive, code points). Label = entity id up to the first ':' ("species").
StatusOr<std::vector<Document>> ReadLinnaeus(const FormatInput& input, CorpusReport* report);

// S800: S800.tsv (taxid, "speciesNNN:pmid", start, end, text; end INCLUSIVE) +
// speciesNNN.txt. Option label (default "Species").
StatusOr<std::vector<Document>> ReadS800(const FormatInput& input, CorpusReport* report);

// OSIRIS: articleNN.txt + articleNN.txt.ann (XML <Annotation type span="s..e">, end
// exclusive; the "file" annotation is skipped). Id = the PMID on the first line of the text.
StatusOr<std::vector<Document>> ReadOsiris(const FormatInput& input, CorpusReport* report);

// NERsuite (.nersuite): "tag<TAB>start<TAB>end<TAB>token..." lines, blank line between
// sentences. Text rebuilt from the offsets, gaps filled with spaces ("\n" as the first gap
// character at a sentence break). Id = file stem.
StatusOr<std::vector<Document>> ReadCllNersuite(const FormatInput& input, CorpusReport* report);

// --- Article and document formats read by bioner-client (docs/CLIENT.md) ---

// Reason under which ReadPubmedXml counts each PMID of a <DeleteCitation> block (skipped).
inline constexpr char kPubmedDeleteCitation[] = "DeleteCitation entry skipped";

// PubMed/MEDLINE XML (.xml, .xml.gz; gzip detected by content): <PubmedArticleSet> or the
// legacy <MedlineCitationSet>. One document per citation, id = PMID, passages "title"
// (ArticleTitle) and "abstract" (the AbstractText parts joined by one space); inline markup
// flattened, whitespace collapsed. A citation with neither is skipped and counted;
// <DeleteCitation> PMIDs are counted under kPubmedDeleteCitation.
StatusOr<std::vector<Document>> ReadPubmedXml(const FormatInput& input, CorpusReport* report);

// PMC JATS (.nxml): one document per file, id = "PMC<n>" (else the PMID, else the first
// article-id, else the file stem); passages "title", one "abstract" per paragraph of the main
// abstract, one "paragraph" per body paragraph (figures, tables, formulas left out).
StatusOr<std::vector<Document>> ReadJats(const FormatInput& input, CorpusReport* report);

// BioC JSON (.json): {"documents": [{"id", "passages": [{"offset", "text", "infons",
// "annotations": [{"infons": {"type"}, "text", "locations": [{"offset", "length"}]}]}]}]},
// offsets in code points of the document, as in BioC XML.
StatusOr<std::vector<Document>> ReadBiocJson(const FormatInput& input, CorpusReport* report);

// Plain text (any name): one document per block of non-blank lines, ids "1", "2", ...
// counted over all files; one passage of type "text".
StatusOr<std::vector<Document>> ReadPlainText(const FormatInput& input, CorpusReport* report);

}  // namespace bioner::formats

#endif  // BIONER_CORE_FORMATS_READERS_H_
