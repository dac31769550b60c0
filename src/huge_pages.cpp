// Large allocations of the CLI on transparent huge pages.
//
// The order commands keep one table entry per customer: with 500,000
// customers that is some 50 MB looked up at random, one row after another.
// On 4 KiB pages nearly every lookup also misses the TLB and walks the page
// tables; on 2 MiB pages it mostly does not (report --orders on 5M orders:
// about 20% less CPU, docs/performance.md). Debian's kernels give huge pages
// only to memory that asks for them (transparent_hugepage=madvise), and the
// header-only library holds no system calls, so the CLI asks here, for every
// allocation of 2 MiB or more: the per-customer tables as they grow, big read
// buffers. Smaller ones go to malloc as before; all of them are freed with
// free(). Where the kernel has no huge pages madvise fails, harmlessly.
//
// Not under AddressSanitizer: its runtime brings operator new and delete of
// its own, to check that each block is freed the way it was allocated, and
// a replacement here would both turn that check off and mix with the forms
// it does not replace (the nothrow new of std::stable_sort's buffer, freed
// by the delete here: an alloc-dealloc mismatch). The sanitizer build keeps
// its checks; huge pages are for speed.

#if defined(__SANITIZE_ADDRESS__)
#define CXKPI_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CXKPI_ADDRESS_SANITIZER 1
#endif
#endif

#if !defined(CXKPI_ADDRESS_SANITIZER)

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace {

constexpr std::size_t huge_page = std::size_t{2} << 20;

void* allocate(std::size_t size) {
  if (size >= huge_page) {
    // aligned_alloc wants a multiple of the alignment: at most one page more.
    const std::size_t rounded = (size + huge_page - 1) / huge_page * huge_page;
    if (void* p = std::aligned_alloc(huge_page, rounded)) {
      madvise(p, rounded, MADV_HUGEPAGE);
      return p;
    }
  }
  return std::malloc(size == 0 ? 1 : size);
}

}  // namespace

// The replaceable global allocation functions ([new.delete.single]); the
// array and nothrow forms of libstdc++ call these.
void* operator new(std::size_t size) {
  if (void* p = allocate(size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

#endif  // !CXKPI_ADDRESS_SANITIZER
