//! Live lists as diffs: the UI keeps its list and applies small changes instead of
//! reloading (as matrix-rust-sdk's timelines do with `VectorDiff`).

/// One change to a list. Applied in order, a diff turns the old list into the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListDiff<T> {
    /// Insert at `index`.
    Insert {
        /// Where.
        index: usize,
        /// What.
        value: T,
    },
    /// Replace the entry at `index` (same id, new content).
    Set {
        /// Where.
        index: usize,
        /// The new content.
        value: T,
    },
    /// Remove the entry at `index`.
    Remove {
        /// Where.
        index: usize,
    },
    /// Replace everything (cheaper than many single changes).
    Reset {
        /// The whole list.
        values: Vec<T>,
    },
}

/// The changes from `old` to `new`, matching entries by `key`. Entries keep their
/// relative order (lists here are sorted), so the diff is removals, then inserts and
/// replacements in order; more changes than half the list become one `Reset`.
pub fn diff<T: Clone + PartialEq, K: PartialEq>(old: &[T], new: &[T], key: impl Fn(&T) -> K) -> Vec<ListDiff<T>> {
    let mut out = Vec::new();
    let mut kept: Vec<T> = Vec::with_capacity(old.len());
    // Removals, from the end so indices stay valid.
    let mut removals = Vec::new();
    for (i, o) in old.iter().enumerate() {
        if new.iter().any(|n| key(n) == key(o)) {
            kept.push(o.clone());
        } else {
            removals.push(i);
        }
    }
    for i in removals.into_iter().rev() {
        out.push(ListDiff::Remove { index: i });
    }
    // Walk the new list; `kept` is the current list's state.
    for (at, n) in new.iter().enumerate() {
        match kept.get(at) {
            Some(k) if key(k) == key(n) => {
                if k != n {
                    out.push(ListDiff::Set { index: at, value: n.clone() });
                }
            }
            _ => {
                // Kept entries keep their order, so a missing key here is new (or moved:
                // then remove it from later and insert it here).
                if let Some(later) = kept.iter().skip(at).position(|k| key(k) == key(n)) {
                    kept.remove(at + later);
                    out.push(ListDiff::Remove { index: at + later });
                }
                kept.insert(at, n.clone());
                out.push(ListDiff::Insert { index: at, value: n.clone() });
            }
        }
    }
    while kept.len() > new.len() {
        kept.pop();
        out.push(ListDiff::Remove { index: kept.len() });
    }
    if out.len() > new.len() / 2 + 1 {
        return vec![ListDiff::Reset { values: new.to_vec() }];
    }
    out
}

/// Applies `changes` to `list` (what a UI does; used by tests).
pub fn apply<T: Clone>(list: &mut Vec<T>, changes: &[ListDiff<T>]) {
    for c in changes {
        match c {
            ListDiff::Insert { index, value } => list.insert((*index).min(list.len()), value.clone()),
            ListDiff::Set { index, value } => {
                if let Some(slot) = list.get_mut(*index) {
                    *slot = value.clone();
                }
            }
            ListDiff::Remove { index } => {
                if *index < list.len() {
                    list.remove(*index);
                }
            }
            ListDiff::Reset { values } => list.clone_from(values),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_new_post_on_top_is_one_insert() {
        let old = vec![(3, "c"), (2, "b"), (1, "a")];
        let new = vec![(4, "d"), (3, "c"), (2, "b"), (1, "a")];
        assert_eq!(diff(&old, &new, |x| x.0), vec![ListDiff::Insert { index: 0, value: (4, "d") }]);
        let edited = vec![(3, "c"), (2, "B"), (1, "a")];
        assert_eq!(diff(&old, &edited, |x| x.0), vec![ListDiff::Set { index: 1, value: (2, "B") }]);
        let hidden = vec![(3, "c"), (1, "a")];
        assert_eq!(diff(&old, &hidden, |x| x.0), vec![ListDiff::Remove { index: 1 }]);
        assert!(diff(&old, &old, |x| x.0).is_empty());
    }

    proptest! {
        #[test]
        fn applying_the_diff_gives_the_new_list(
            old in prop::collection::btree_map(0u8..40, 0u8..3, 0..20),
            new in prop::collection::btree_map(0u8..40, 0u8..3, 0..20),
        ) {
            let old: Vec<(u8, u8)> = old.into_iter().rev().collect();
            let new: Vec<(u8, u8)> = new.into_iter().rev().collect();
            let mut list = old.clone();
            apply(&mut list, &diff(&old, &new, |x| x.0));
            prop_assert_eq!(list, new);
        }
    }
}
