//@ Fault injection for the harness: fail_at_call=N makes the N-th fallible
//@ DMA API call of the driver fail, numbered as the simulator's
//@ --fail-at-call N numbers them (src/sim/trace.ts: every call that can
//@ fail, in the order the driver makes them). None of these calls is marked
//@ ALLOW_ERROR_INJECTION, so the kernel's fail_function cannot reach them.
//@section macros
/*
 * fail_at_call=N: the N-th fallible DMA API call fails before it is made,
 * with the value that call returns when it fails, so that every error path
 * of the driver can be run on a real kernel. The wrappers below stand for
 * the calls from here on; the headers above keep the kernel's own.
 */
static unsigned int fail_at_call;
module_param(fail_at_call, uint, 0444);
MODULE_PARM_DESC(
	fail_at_call,
	"Make the N-th fallible DMA API call fail (0: none), as dmaplan simulate --fail-at-call N does");
static unsigned int dmaplan_fallible_calls;

static inline bool dmaplan_inject(const char *fn)
{
	if (!fail_at_call || ++dmaplan_fallible_calls != fail_at_call)
		return false;
	pr_info("dmaplan: inject call=%u fn=%s\n", fail_at_call, fn);
	return true;
}

#define dma_map_phys(dev, phys, size, dir, attrs) \
	(dmaplan_inject("dma_map_phys") ?         \
		 DMA_MAPPING_ERROR :              \
		 dma_map_phys(dev, phys, size, dir, attrs))
#define dma_map_page_attrs(dev, page, offset, size, dir, attrs) \
	(dmaplan_inject("dma_map_page_attrs") ?                 \
		 DMA_MAPPING_ERROR :                            \
		 dma_map_page_attrs(dev, page, offset, size, dir, attrs))
#define dma_map_resource(dev, phys, size, dir, attrs) \
	(dmaplan_inject("dma_map_resource") ?         \
		 DMA_MAPPING_ERROR :                  \
		 dma_map_resource(dev, phys, size, dir, attrs))
#define sg_alloc_table(sgt, nents, gfp)               \
	(dmaplan_inject("sg_alloc_table") ? -ENOMEM : \
					    sg_alloc_table(sgt, nents, gfp))
#define dma_map_sgtable(dev, sgt, dir, attrs) \
	(dmaplan_inject("dma_map_sgtable") ?  \
		 -ENOMEM :                    \
		 dma_map_sgtable(dev, sgt, dir, attrs))
#define dma_alloc_coherent(dev, size, handle, gfp) \
	(dmaplan_inject("dma_alloc_coherent") ?    \
		 NULL :                            \
		 dma_alloc_coherent(dev, size, handle, gfp))
/* A refused dma_iova_try_alloc() leaves the state cleared. */
#define dma_iova_try_alloc(dev, state, phys, size)             \
	(dmaplan_inject("dma_iova_try_alloc") ?                \
		 (memset(state, 0, sizeof(*(state))), false) : \
		 dma_iova_try_alloc(dev, state, phys, size))
#define dma_iova_link(dev, state, phys, offset, size, dir, attrs) \
	(dmaplan_inject("dma_iova_link") ?                        \
		 -ENOMEM :                                        \
		 dma_iova_link(dev, state, phys, offset, size, dir, attrs))
#define dma_iova_sync(dev, state, offset, size) \
	(dmaplan_inject("dma_iova_sync") ?      \
		 -ENOMEM :                      \
		 dma_iova_sync(dev, state, offset, size))
#define hmm_dma_map_alloc(dev, map, nr_entries, dma_entry_size) \
	(dmaplan_inject("hmm_dma_map_alloc") ?                  \
		 -ENOMEM :                                      \
		 hmm_dma_map_alloc(dev, map, nr_entries, dma_entry_size))
#define hmm_dma_map_pfn(dev, map, idx, p2pdma_state) \
	(dmaplan_inject("hmm_dma_map_pfn") ?         \
		 DMA_MAPPING_ERROR :                 \
		 hmm_dma_map_pfn(dev, map, idx, p2pdma_state))
#define blk_rq_dma_map_iter_start(req, dma_dev, state, iter)  \
	(dmaplan_inject("blk_rq_dma_map_iter_start") ?        \
		 ((iter)->status = BLK_STS_RESOURCE, false) : \
		 blk_rq_dma_map_iter_start(req, dma_dev, state, iter))
//@if blk_iter_no_state
#define blk_rq_dma_map_iter_next(req, dma_dev, iter)          \
	(dmaplan_inject("blk_rq_dma_map_iter_next") ?         \
		 ((iter)->status = BLK_STS_RESOURCE, false) : \
		 blk_rq_dma_map_iter_next(req, dma_dev, iter))
//@else
#define blk_rq_dma_map_iter_next(req, dma_dev, state, iter)   \
	(dmaplan_inject("blk_rq_dma_map_iter_next") ?         \
		 ((iter)->status = BLK_STS_RESOURCE, false) : \
		 blk_rq_dma_map_iter_next(req, dma_dev, state, iter))
//@endif
