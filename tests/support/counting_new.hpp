#pragma once
// Replaces global operator new and delete with versions that count the allocations made on threads that
// asked to be counted (test::counting_new::counting = true on that thread), for the zero-allocation
// tests of hot paths. Include in exactly one .cpp of a test binary: replacement operators may not be
// inline, and a binary has one set.
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace cicada::test::counting_new {
inline thread_local bool counting = false;       // this thread's allocations are counted
inline std::atomic<std::size_t> allocations{0};  // operator new calls on counting threads

inline void* allocate(std::size_t size, std::size_t align) {
  if (counting) allocations.fetch_add(1, std::memory_order_relaxed);
  void* p = align > alignof(std::max_align_t) ? std::aligned_alloc(align, (size + align - 1) / align * align)
                                              : std::malloc(size ? size : 1);
  if (!p) throw std::bad_alloc();
  return p;
}
}  // namespace cicada::test::counting_new

void* operator new(std::size_t size) { return cicada::test::counting_new::allocate(size, 0); }
void* operator new[](std::size_t size) { return cicada::test::counting_new::allocate(size, 0); }
void* operator new(std::size_t size, std::align_val_t a) {
  return cicada::test::counting_new::allocate(size, std::size_t(a));
}
void* operator new[](std::size_t size, std::align_val_t a) {
  return cicada::test::counting_new::allocate(size, std::size_t(a));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
// The nothrow forms too (simdjson allocates with them): left to the runtime, their memory would reach the
// free() above from another allocator (AddressSanitizer: alloc-dealloc-mismatch), and go uncounted.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return cicada::test::counting_new::allocate(size, 0);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void* operator new(std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return cicada::test::counting_new::allocate(size, std::size_t(a));
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t& tag) noexcept {
  return operator new(size, a, tag);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
