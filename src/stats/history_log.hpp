#pragma once
// HistoryLog: the run's per-second history (one HistoryBlock per closed second), kept so that
// - a snapshot costs O(chunks), not O(seconds): blocks live in fixed-size chunks that never move, and a
//   HistoryView shares them (a 24-hour run is ~340 chunks, not 86,400 blocks, to copy each second);
// - memory is bounded: when the blocks held exceed a byte budget, the oldest chunk is let go. Readers
//   that stream the history (CSV writer, run history database) are seconds behind, so they never miss a
//   block; whole-run readers (charts, a full CSV rewrite) see the retained part. Absolute block numbers
//   stay valid: a view runs from first() to size().
// One writer (the Aggregate, on the runner's thread); views may be read on any thread once handed over
// (a view only reads slots below its own size, which the writer never touches again).
#include <array>
#include <cstddef>
#include <iterator>
#include <memory>
#include <vector>

#include "stats/history_block.hpp"

namespace cicada::stats {

inline constexpr std::size_t kHistoryChunkBlocks = 256;
// Default budget of the history kept in memory (docs/metrics.md, "Memory"): ~40 h of the default
// Aggregated-only history, or ~6 h with per-entry rows for 10 entries.
inline constexpr std::size_t kDefaultHistoryBudgetBytes = std::size_t{64} << 20;

struct HistoryChunk {
  std::array<std::shared_ptr<const HistoryBlock>, kHistoryChunkBlocks> blocks;
};

class HistoryView {
 public:
  using Block = std::shared_ptr<const HistoryBlock>;

  // Absolute numbers: blocks [first(), size()) are held; size() counts every block ever appended.
  std::size_t size() const { return end_; }
  std::size_t first() const { return first_chunk_ * kHistoryChunkBlocks + skip_; }
  bool empty() const { return first() == end_; }
  const Block& operator[](std::size_t i) const {
    return chunks_[i / kHistoryChunkBlocks - first_chunk_]->blocks[i % kHistoryChunkBlocks];
  }
  const Block& back() const { return (*this)[end_ - 1]; }
  // For code that builds a snapshot by hand (tests): appends one block, with no budget. Copies the last
  // chunk first when another view or the log shares it, so views handed out earlier never change.
  void push_back(Block block);

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Block;
    using difference_type = std::ptrdiff_t;
    using pointer = const Block*;
    using reference = const Block&;
    const_iterator() = default;
    const_iterator(const HistoryView* v, std::size_t i) : view_(v), i_(i) {}
    reference operator*() const { return (*view_)[i_]; }
    pointer operator->() const { return &(*view_)[i_]; }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    const_iterator operator++(int) {
      auto old = *this;
      ++i_;
      return old;
    }
    bool operator==(const const_iterator& o) const { return i_ == o.i_; }

   private:
    const HistoryView* view_ = nullptr;
    std::size_t i_ = 0;
  };
  const_iterator begin() const { return {this, first()}; }
  const_iterator end() const { return {this, end_}; }

 private:
  friend class HistoryLog;
  std::vector<std::shared_ptr<const HistoryChunk>> chunks_;
  std::size_t first_chunk_ = 0;  // absolute number of chunks_[0]
  std::size_t skip_ = 0;         // always 0 today: whole chunks are let go
  std::size_t end_ = 0;
};

class HistoryLog {
 public:
  explicit HistoryLog(std::size_t budget_bytes = kDefaultHistoryBudgetBytes) : budget_bytes_(budget_bytes) {}

  void append(std::shared_ptr<const HistoryBlock> block);
  void set_budget(std::size_t bytes) { budget_bytes_ = bytes; }
  // The blocks held now; cheap (one pointer per chunk).
  HistoryView view() const;
  std::size_t bytes() const { return bytes_; }  // estimated bytes of the blocks held

  // Estimated heap bytes of one block (the block, its rows and their long strings).
  static std::size_t block_bytes(const HistoryBlock& b);

 private:
  std::vector<std::shared_ptr<const HistoryChunk>> chunks_;  // held, oldest first
  std::vector<std::size_t> chunk_bytes_;                     // estimated bytes of each held chunk
  std::shared_ptr<HistoryChunk> filling_;                    // == chunks_.back(), writable
  std::size_t first_chunk_ = 0;
  std::size_t end_ = 0;
  std::size_t bytes_ = 0;
  std::size_t budget_bytes_;
};

}  // namespace cicada::stats
