#include "stats/history_log.hpp"

#include <utility>

namespace cicada::stats {

namespace {
// A std::string holds up to 15 characters inline; a longer one has its own heap buffer.
std::size_t string_heap(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }
// make_shared's control block and the allocator's own header, per block.
constexpr std::size_t kPerBlockOverhead = 48;
}  // namespace

std::size_t HistoryLog::block_bytes(const HistoryBlock& b) {
  std::size_t n = sizeof(HistoryBlock) + kPerBlockOverhead + b.entries.capacity() * sizeof(HistoryRow);
  for (const auto& r : b.entries) n += string_heap(r.method) + string_heap(r.name);
  return n + string_heap(b.total.name);
}

void HistoryLog::append(std::shared_ptr<const HistoryBlock> block) {
  if (end_ % kHistoryChunkBlocks == 0) {
    filling_ = std::make_shared<HistoryChunk>();
    chunks_.push_back(filling_);
    chunk_bytes_.push_back(0);
  }
  const std::size_t n = block_bytes(*block);
  filling_->blocks[end_ % kHistoryChunkBlocks] = std::move(block);
  chunk_bytes_.back() += n;
  bytes_ += n;
  ++end_;
  // Let the oldest chunks go while over budget, never the one being filled.
  while (bytes_ > budget_bytes_ && chunks_.size() > 1) {
    bytes_ -= chunk_bytes_.front();
    chunks_.erase(chunks_.begin());
    chunk_bytes_.erase(chunk_bytes_.begin());
    ++first_chunk_;
  }
}

void HistoryView::push_back(Block block) {
  const std::size_t slot = end_ % kHistoryChunkBlocks;
  std::shared_ptr<HistoryChunk> own;
  if (slot == 0)
    own = std::make_shared<HistoryChunk>();
  else
    own = std::make_shared<HistoryChunk>(*chunks_.back());
  own->blocks[slot] = std::move(block);
  if (slot == 0)
    chunks_.push_back(std::move(own));
  else
    chunks_.back() = std::move(own);
  ++end_;
}

HistoryView HistoryLog::view() const {
  HistoryView v;
  v.chunks_ = chunks_;
  v.first_chunk_ = first_chunk_;
  v.end_ = end_;
  return v;
}

}  // namespace cicada::stats
