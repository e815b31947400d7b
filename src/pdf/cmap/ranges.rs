//! A sorted map of disjoint key intervals → values, built from CMap range entries where later
//! entries override earlier ones (as in a CMap file, and a CMap over its `usecmap` parent).

use std::collections::BTreeMap;

/// Disjoint, sorted intervals; each remembers the start of the entry it came from so that
/// ranges keep counting from their own start after being split by an override.
#[derive(Debug, Clone)]
pub(crate) struct RangeMap<V> {
    lo: Vec<u64>,
    hi: Vec<u64>,
    /// (value at `origin`, origin key of the defining entry).
    val: Vec<(V, u64)>,
}

impl<V> Default for RangeMap<V> {
    fn default() -> Self {
        RangeMap {
            lo: Vec::new(),
            hi: Vec::new(),
            val: Vec::new(),
        }
    }
}

impl<V: Copy> RangeMap<V> {
    /// Build from entries `(lo, hi, value at lo)` in definition order; later entries win.
    pub(crate) fn build(entries: &[(u64, u64, V)]) -> Self {
        let mut order: Vec<usize> = (0..entries.len())
            .filter(|&i| entries[i].0 <= entries[i].1)
            .collect();
        order.sort_by_key(|&i| entries[i].0);
        let disjoint = order.windows(2).all(|w| entries[w[0]].1 < entries[w[1]].0);
        let mut map = RangeMap {
            lo: Vec::with_capacity(order.len()),
            hi: Vec::with_capacity(order.len()),
            val: Vec::with_capacity(order.len()),
        };
        if disjoint {
            for i in order {
                let (lo, hi, v) = entries[i];
                map.lo.push(lo);
                map.hi.push(hi);
                map.val.push((v, lo));
            }
            return map;
        }
        // Overlaps: walk from the last definition back, keeping only the parts not yet covered.
        let mut acc: BTreeMap<u64, (u64, V, u64)> = BTreeMap::new();
        for &(lo, hi, v) in entries.iter().rev() {
            if lo > hi {
                continue;
            }
            let mut cur = lo;
            if let Some((_, &(h, _, _))) = acc.range(..=lo).next_back() {
                if h >= lo {
                    if h >= hi {
                        continue;
                    }
                    cur = h + 1;
                }
            }
            let mut gaps = Vec::new();
            for (&s, &(h, _, _)) in acc.range(cur..=hi) {
                if s > cur {
                    gaps.push((cur, s - 1));
                }
                cur = cur.max(h.saturating_add(1));
                if cur > hi {
                    break;
                }
            }
            if cur <= hi {
                gaps.push((cur, hi));
            }
            for (a, b) in gaps {
                acc.insert(a, (b, v, lo));
            }
        }
        for (lo, (hi, v, origin)) in acc {
            map.lo.push(lo);
            map.hi.push(hi);
            map.val.push((v, origin));
        }
        map
    }

    /// The value of the entry covering `key` and `key`'s offset from that entry's start.
    #[inline]
    pub(crate) fn get(&self, key: u64) -> Option<(V, u64)> {
        let i = self.lo.partition_point(|&lo| lo <= key);
        if i == 0 {
            return None;
        }
        let i = i - 1;
        if key <= *self.hi.get(i)? {
            let (v, origin) = *self.val.get(i)?;
            Some((v, key - origin))
        } else {
            None
        }
    }

    /// Number of intervals.
    pub(crate) fn len(&self) -> usize {
        self.lo.len()
    }

    /// Intervals as `(lo, hi, value, origin)`.
    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, u64, V, u64)> + '_ {
        self.lo
            .iter()
            .zip(&self.hi)
            .zip(&self.val)
            .map(|((&lo, &hi), &(v, o))| (lo, hi, v, o))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disjoint_and_overrides() {
        let m = RangeMap::build(&[(10, 20, 100u32), (30, 30, 7)]);
        assert_eq!(m.get(15), Some((100, 5)));
        assert_eq!(m.get(25), None);
        assert_eq!(m.get(30), Some((7, 0)));
        assert_eq!(m.get(9), None);
        // A later single entry punches a hole into an earlier range; the range keeps counting.
        let m = RangeMap::build(&[(10, 20, 100u32), (15, 15, 1)]);
        assert_eq!(m.get(14), Some((100, 4)));
        assert_eq!(m.get(15), Some((1, 0)));
        assert_eq!(m.get(16), Some((100, 6)));
        assert_eq!(m.len(), 3);
        // A later big range covers everything before it.
        let m = RangeMap::build(&[(12, 13, 5u32), (10, 20, 100)]);
        assert_eq!(m.get(12), Some((100, 2)));
        assert_eq!(m.len(), 1);
        assert_eq!(m.iter().count(), 1);
    }
}
