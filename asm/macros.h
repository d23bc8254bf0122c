/* Multi-instruction macros: the idioms every schedtap program repeats,
 * each emitted with a comment so a --dump reads as prose. */
#ifndef SCHEDTAP_MACROS_H
#define SCHEDTAP_MACROS_H

#include "asm.h"

/* The map helpers, with the key (and value) on the stack at fp+key_off
 * (fp+val_off): r0 = bpf_map_lookup_elem(map, key); bpf_map_delete_elem;
 * bpf_map_update_elem with flags (BPF_ANY, BPF_NOEXIST). Clobber r1-r5. */
void asm_map_lookup(struct asm_prog *p, const char *map, int16_t key_off);
void asm_map_delete(struct asm_prog *p, const char *map, int16_t key_off);
void asm_map_update(struct asm_prog *p, const char *map, int16_t key_off, int16_t val_off,
		    int32_t flags);
/* r0 = pointer to map[key], the key stored at fp+key_off. A missing slot is
 * created zeroed (the zero value is built at fp+val_off, val_size bytes)
 * and looked up again; jumps to `fail` when even that fails (map full).
 * Clobbers r1-r5. */
void asm_map_lookup_or_init(struct asm_prog *p, const char *map,
			    int16_t key_off, int16_t val_off, int val_size,
			    const char *fail);
/* r0 = &map[0] (the key, 0, is stored at fp+key_off): the one slot of an
 * array or per-CPU array; jumps to miss when the lookup fails. Clobbers
 * r1-r5. */
void asm_map_lookup_slot0(struct asm_prog *p, const char *map, int16_t key_off,
			  const char *miss);
/* dst = floor(log2(src)), 0 for src 0 or 1; src is clobbered, dst must
 * differ from src; tmp is clobbered. */
void asm_log2(struct asm_prog *p, int dst, int src, int tmp);
/* *(u64 *)(ptr + off) += 1, atomically when the slot is shared. */
void asm_inc_u64(struct asm_prog *p, int ptr, int16_t off, int tmp, int atomic);
/* r0 = val; exit. */
void asm_return(struct asm_prog *p, int32_t val);
#endif
