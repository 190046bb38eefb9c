/* malloc_probe: an LD_PRELOAD library that counts the live heap bytes of a process, so that
 * the peak EXTRA memory of one call (a K-Means fit) can be read, for any library in any
 * language (C++, Python + NumPy, ...).
 *
 *   LD_PRELOAD=libcompare_malloc_probe.so program ...
 *   in the program: mprobe_reset() before the call, mprobe_peak_extra() after it
 *   (C++: found with dlsym(RTLD_DEFAULT, ...); Python: ctypes.CDLL(None).mprobe_reset).
 *
 * glibc only: malloc, free, calloc, realloc, memalign, aligned_alloc, posix_memalign, valloc
 * and pvalloc forward to glibc's own entry points (__libc_malloc, ...); live bytes are counted
 * with malloc_usable_size, so they include the allocator's rounding. Memory a library maps
 * itself with mmap (OpenBLAS's GEMM buffers, Python's small-object arenas) is not seen: the
 * compare runs report the process' peak RSS next to this figure. */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

extern void* __libc_malloc(size_t size);
extern void __libc_free(void* ptr);
extern void* __libc_calloc(size_t count, size_t size);
extern void* __libc_realloc(void* ptr, size_t size);
extern void* __libc_memalign(size_t alignment, size_t size);

static _Atomic long long live_bytes;
static _Atomic long long peak_bytes;
static _Atomic long long base_bytes;

static void grow(void* p) {
    if (!p) return;
    const long long now = atomic_fetch_add_explicit(&live_bytes, (long long)malloc_usable_size(p), memory_order_relaxed) +
                          (long long)malloc_usable_size(p);
    long long seen = atomic_load_explicit(&peak_bytes, memory_order_relaxed);
    while (now > seen && !atomic_compare_exchange_weak_explicit(&peak_bytes, &seen, now, memory_order_relaxed,
                                                                memory_order_relaxed)) {
    }
}

static void shrink(size_t bytes) { atomic_fetch_sub_explicit(&live_bytes, (long long)bytes, memory_order_relaxed); }

void* malloc(size_t size) {
    void* p = __libc_malloc(size);
    grow(p);
    return p;
}

void free(void* ptr) {
    if (!ptr) return;
    shrink(malloc_usable_size(ptr));
    __libc_free(ptr);
}

void* calloc(size_t count, size_t size) {
    void* p = __libc_calloc(count, size);
    grow(p);
    return p;
}

void* realloc(void* ptr, size_t size) {
    const size_t old = ptr ? malloc_usable_size(ptr) : 0;
    void* p = __libc_realloc(ptr, size);
    if (p) {
        grow(p);  /* first: a moving realloc briefly holds both blocks */
        shrink(old);
    } else if (ptr && size == 0) {
        shrink(old);  /* realloc(p, 0) freed p */
    }
    return p;
}

void* memalign(size_t alignment, size_t size) {
    void* p = __libc_memalign(alignment, size);
    grow(p);
    return p;
}

void* aligned_alloc(size_t alignment, size_t size) { return memalign(alignment, size); }

int posix_memalign(void** out, size_t alignment, size_t size) {
    if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    void* p = __libc_memalign(alignment, size);
    if (!p) return ENOMEM;
    grow(p);
    *out = p;
    return 0;
}

void* valloc(size_t size) { return memalign((size_t)sysconf(_SC_PAGESIZE), size); }

void* pvalloc(size_t size) {
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return memalign(page, (size + page - 1) / page * page);
}

/* The probe's interface. */
void mprobe_reset(void) {
    const long long now = atomic_load(&live_bytes);
    atomic_store(&base_bytes, now);
    atomic_store(&peak_bytes, now);
}
long long mprobe_peak_extra(void) { return atomic_load(&peak_bytes) - atomic_load(&base_bytes); }
long long mprobe_live(void) { return atomic_load(&live_bytes); }
