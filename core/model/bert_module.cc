#include "core/model/bert_module.h"

#include <cmath>
#include <limits>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/ATen.h>
#include <torch/utils.h>

namespace bioner::model_internal {
namespace {

// Hugging Face fills masked scores with the most negative float; exp() then gives exactly 0.
constexpr float kMaskValue = std::numeric_limits<float>::lowest();

torch::nn::LayerNorm MakeLayerNorm(const BertConfig& c) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps));
}

std::shared_ptr<torch::nn::Module> Container(torch::nn::Module& parent, const std::string& name) {
  return parent.register_module(name, std::make_shared<torch::nn::Module>());
}

torch::Tensor AdditiveMask(const torch::Tensor& attention_mask) {
  if (!attention_mask.defined()) return {};
  auto keep = attention_mask.to(torch::kFloat32);
  return ((1.0f - keep) * kMaskValue).unsqueeze(1).unsqueeze(2);  // [B, 1, 1, L]
}

// The same storage as the parameter, outside autograd: a server holds five models, and a
// private copy of each weight would double its resident memory.
torch::Tensor Share(const torch::Tensor& t) { return t.detach(); }

}  // namespace

BertLayerImpl::BertLayerImpl(const BertConfig& c) : num_heads(c.num_attention_heads) {
  const int64_t h = c.hidden_size;
  auto attention = Container(*this, "attention");
  auto self = Container(*attention, "self");
  query = torch::nn::Linear(h, h);
  key = torch::nn::Linear(h, h);
  value = torch::nn::Linear(h, h);
  self->register_module("query", query);
  self->register_module("key", key);
  self->register_module("value", value);
  auto attention_output = Container(*attention, "output");
  attention_dense = torch::nn::Linear(h, h);
  attention_norm = MakeLayerNorm(c);
  attention_output->register_module("dense", attention_dense);
  attention_output->register_module("LayerNorm", attention_norm);
  intermediate_dense = torch::nn::Linear(h, c.intermediate_size);
  Container(*this, "intermediate")->register_module("dense", intermediate_dense);
  auto output = Container(*this, "output");
  output_dense = torch::nn::Linear(c.intermediate_size, h);
  output_norm = MakeLayerNorm(c);
  output->register_module("dense", output_dense);
  output->register_module("LayerNorm", output_norm);
  attention_dropout = register_module("attention_dropout", torch::nn::Dropout(c.attention_probs_dropout_prob));
  hidden_dropout = register_module("hidden_dropout", torch::nn::Dropout(c.hidden_dropout_prob));
}

torch::Tensor BertLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& additive_mask) {
  const int64_t b = x.size(0), l = x.size(1), h = x.size(2), d = h / num_heads;
  auto heads = [&](const torch::Tensor& t) { return t.view({b, l, num_heads, d}).transpose(1, 2); };
  auto q = heads(query(x)), k = heads(key(x)), v = heads(value(x));
  auto scores = torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(d));
  if (additive_mask.defined()) scores = scores + additive_mask;
  auto probs = attention_dropout(torch::softmax(scores, -1));
  auto context = torch::matmul(probs, v).transpose(1, 2).reshape({b, l, h});
  auto a = attention_norm(hidden_dropout(attention_dense(context)) + x);
  auto i = torch::gelu(intermediate_dense(a));
  return output_norm(hidden_dropout(output_dense(i)) + a);
}

BertNerModelImpl::BertNerModelImpl(const BertConfig& c) : config_(c) {
  auto bert = Container(*this, "bert");
  auto embeddings = Container(*bert, "embeddings");
  word_embeddings = torch::nn::Embedding(c.vocab_size, c.hidden_size);
  position_embeddings = torch::nn::Embedding(c.max_position_embeddings, c.hidden_size);
  token_type_embeddings = torch::nn::Embedding(c.type_vocab_size, c.hidden_size);
  embeddings_norm = MakeLayerNorm(c);
  embeddings->register_module("word_embeddings", word_embeddings);
  embeddings->register_module("position_embeddings", position_embeddings);
  embeddings->register_module("token_type_embeddings", token_type_embeddings);
  embeddings->register_module("LayerNorm", embeddings_norm);
  embeddings_dropout = register_module("embeddings_dropout", torch::nn::Dropout(c.hidden_dropout_prob));
  auto layer_list = Container(*bert, "encoder")->register_module("layer", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    layers.emplace_back(c);
    layer_list->push_back(layers.back());
  }
  if (c.has_classifier()) {
    classifier_dropout = register_module("classifier_dropout", torch::nn::Dropout(c.hidden_dropout_prob));
    classifier = register_module("classifier",
                                 torch::nn::Linear(c.hidden_size, static_cast<int64_t>(c.labels.size())));
  }
}

torch::Tensor BertNerModelImpl::Encode(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                                       const torch::Tensor& attention_mask) {
  const int64_t l = input_ids.size(1);
  auto positions = torch::arange(l, input_ids.options().dtype(torch::kInt64));
  auto types = token_type_ids.defined() ? token_type_ids : torch::zeros_like(input_ids);
  auto x = word_embeddings(input_ids) + position_embeddings(positions).unsqueeze(0) + token_type_embeddings(types);
  x = embeddings_dropout(embeddings_norm(x));
  const auto mask = AdditiveMask(attention_mask);
  for (auto& layer : layers) x = layer(x, mask);
  return x;
}

torch::Tensor BertNerModelImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                                        const torch::Tensor& attention_mask) {
  auto x = Encode(input_ids, token_type_ids, attention_mask);
  if (classifier.is_empty()) return x;
  return classifier(classifier_dropout(x));
}

void InitBertWeights(BertNerModelImpl& model, uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const double std = model.config().initializer_range;
  for (auto& p : model.named_parameters()) {
    const std::string& name = p.key();
    torch::Tensor& t = p.value();
    auto ends_with = [&](const char* s) {
      const size_t n = std::char_traits<char>::length(s);
      return name.size() >= n && name.compare(name.size() - n, n, s) == 0;
    };
    if (name.find("LayerNorm") != std::string::npos) {
      t.fill_(ends_with(".weight") ? 1.0 : 0.0);
    } else if (ends_with(".bias")) {
      t.zero_();
    } else {
      t.copy_(at::empty(t.sizes(), at::TensorOptions().dtype(torch::kFloat32)).normal_(0.0, std, gen));
    }
  }
}

FastBertInference::FastBertInference(BertNerModelImpl& m) : config_(m.config()) {
  torch::NoGradGuard no_grad;
  word_ = Share(m.word_embeddings->weight);
  position_ = Share(m.position_embeddings->weight);
  token_type_ = Share(m.token_type_embeddings->weight);
  emb_norm_w_ = Share(m.embeddings_norm->weight);
  emb_norm_b_ = Share(m.embeddings_norm->bias);
  const int64_t h = config_.hidden_size;
  for (auto& layer : m.layers) {
    Layer f;
    // One [3H, H] matrix makes the three projections one GEMM. The module's query, key and
    // value parameters are re-pointed at its rows, so the fused copy is the only copy.
    f.qkv_w = torch::cat({layer->query->weight, layer->key->weight, layer->value->weight}, 0).detach();
    f.qkv_b = torch::cat({layer->query->bias, layer->key->bias, layer->value->bias}, 0).detach();
    int64_t row = 0;
    for (torch::nn::Linear* part : {&layer->query, &layer->key, &layer->value}) {
      (*part)->weight.set_data(f.qkv_w.narrow(0, row, h));
      (*part)->bias.set_data(f.qkv_b.narrow(0, row, h));
      row += h;
    }
    f.out_w = Share(layer->attention_dense->weight);
    f.out_b = Share(layer->attention_dense->bias);
    f.norm1_w = Share(layer->attention_norm->weight);
    f.norm1_b = Share(layer->attention_norm->bias);
    f.inter_w = Share(layer->intermediate_dense->weight);
    f.inter_b = Share(layer->intermediate_dense->bias);
    f.out2_w = Share(layer->output_dense->weight);
    f.out2_b = Share(layer->output_dense->bias);
    f.norm2_w = Share(layer->output_norm->weight);
    f.norm2_b = Share(layer->output_norm->bias);
    layers_.push_back(std::move(f));
  }
  if (!m.classifier.is_empty()) {
    classifier_w_ = Share(m.classifier->weight);
    classifier_b_ = Share(m.classifier->bias);
  }
}

torch::Tensor FastBertInference::Forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids,
                                         const std::vector<int64_t>& lengths) const {
  const int64_t b = input_ids.size(0), l = input_ids.size(1), n = b * l;
  const int64_t h = config_.hidden_size, heads = config_.num_attention_heads, d = h / heads;
  const double eps = config_.layer_norm_eps;
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));

  auto x = word_.index_select(0, input_ids.reshape({n})).view({b, l, h});
  x.add_(position_.narrow(0, 0, l).unsqueeze(0));
  if (token_type_ids.defined()) {
    x.add_(token_type_.index_select(0, token_type_ids.reshape({n})).view({b, l, h}));
  } else {
    x.add_(token_type_[0]);
  }
  x = at::layer_norm(x.view({n, h}), {h}, emb_norm_w_, emb_norm_b_, eps);

  // Rows of equal length need no mask at all.
  torch::Tensor mask;
  for (int64_t len : lengths) {
    if (len == l) continue;
    auto m = torch::zeros({b, l}, torch::kFloat32);
    auto acc = m.accessor<float, 2>();
    for (int64_t i = 0; i < b; ++i)
      for (int64_t j = lengths[i]; j < l; ++j) acc[i][j] = kMaskValue;
    mask = m.to(x.device()).view({b, 1, 1, l});
    break;
  }

  for (const Layer& f : layers_) {
    // Weights stay in the module's [out, in] layout; BLAS reads the transpose in place.
    auto qkv = at::addmm(f.qkv_b, x, f.qkv_w.t()).view({b, l, 3, heads, d});
    // [B, L, heads, d] -> [B*heads, L, d]; the copy makes each head's matrix contiguous.
    auto split = [&](int64_t i) { return qkv.select(2, i).permute({0, 2, 1, 3}).reshape({b * heads, l, d}); };
    // Scaling q ([B*heads, L, d]) is cheaper than scaling the scores ([B*heads, L, L]).
    auto q = split(0).mul_(scale), k = split(1), v = split(2);
    auto scores = at::bmm(q, k.transpose(1, 2));  // [B*heads, L, L]
    if (mask.defined()) scores.view({b, heads, l, l}).add_(mask);
    auto probs = at::_softmax(scores, -1, false);
    auto context = at::bmm(probs, v).view({b, heads, l, d}).permute({0, 2, 1, 3}).reshape({n, h});
    // residual + bias first, then one GEMM accumulates onto it (beta = 1).
    auto a = at::addmm(x.add(f.out_b), context, f.out_w.t());
    x = at::layer_norm(a, {h}, f.norm1_w, f.norm1_b, eps);
    auto inter = at::addmm(f.inter_b, x, f.inter_w.t());
    at::gelu_(inter);
    auto o = at::addmm(x.add(f.out2_b), inter, f.out2_w.t());
    x = at::layer_norm(o, {h}, f.norm2_w, f.norm2_b, eps);
  }
  if (classifier_w_.defined()) x = at::addmm(classifier_b_, x, classifier_w_.t());
  return x.view({b, l, x.size(1)});
}

std::vector<std::string> CheckpointNamesFor(const std::string& name) {
  std::vector<std::string> out = {name};
  const std::string prefix = "bert.";
  if (name.compare(0, prefix.size(), prefix) == 0) out.push_back(name.substr(prefix.size()));
  const size_t n = out.size();
  for (size_t i = 0; i < n; ++i) {
    const std::string s = out[i];  // a copy: push_back below may reallocate `out`
    for (const auto& [now, legacy] : {std::pair<std::string, std::string>{"LayerNorm.weight", "LayerNorm.gamma"},
                                      {"LayerNorm.bias", "LayerNorm.beta"}}) {
      if (s.size() >= now.size() && s.compare(s.size() - now.size(), now.size(), now) == 0) {
        out.push_back(s.substr(0, s.size() - now.size()) + legacy);
      }
    }
  }
  return out;
}

}  // namespace bioner::model_internal
