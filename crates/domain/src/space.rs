//! How a facility's space is shared, as pure functions the store applies
//! inside its transactions: which leaf units a booking of a unit holds
//! (the whole floor holds both halves), whether a unit may become part of
//! another's space, and which copy of a piece of equipment each booking
//! holds once the number of copies changes.

use crate::ids::UnitId;

/// A facility's units as a tree: each unit and the unit whose space it
/// is part of.
pub type Tree = [(UnitId, Option<UnitId>)];

/// The leaf units below `unit` (itself when nothing is part of it),
/// sorted. A cycle in bad data ends the walk instead of looping.
pub fn leaves(tree: &Tree, unit: UnitId) -> Vec<UnitId> {
    let children = |id: UnitId| -> Vec<UnitId> {
        tree.iter()
            .filter(|(u, p)| *p == Some(id) && *u != id)
            .map(|(u, _)| *u)
            .collect()
    };
    let mut out = Vec::new();
    let mut stack = vec![unit];
    let mut seen = Vec::new();
    while let Some(id) = stack.pop() {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let kids = children(id);
        if kids.is_empty() {
            out.push(id);
        } else {
            stack.extend(kids);
        }
    }
    out.sort();
    out
}

/// Whether `unit` may become part of `parent`'s space: another unit of
/// the tree that is not `unit` itself nor any unit inside it.
pub fn may_be_part_of(tree: &Tree, unit: UnitId, parent: UnitId) -> bool {
    if parent == unit || !tree.iter().any(|(u, _)| *u == parent) {
        return false;
    }
    // Walk up from the new parent: meeting `unit` would make a loop.
    let mut next = Some(parent);
    let mut seen = Vec::new();
    while let Some(id) = next {
        if id == unit || seen.contains(&id) {
            return false;
        }
        seen.push(id);
        next = tree.iter().find(|(u, _)| *u == id).and_then(|(_, p)| *p);
    }
    true
}

/// The tree with `unit` moved under `parent` (or on its own).
pub fn moved(tree: &Tree, unit: UnitId, parent: Option<UnitId>) -> Vec<(UnitId, Option<UnitId>)> {
    tree.iter()
        .map(|(u, p)| (*u, if *u == unit { parent } else { *p }))
        .collect()
}

/// One booking's hold of a piece of equipment: its time (half-open, any
/// ordered unit) and the copy (1, 2, …) it holds now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CopyHold {
    pub start: i64,
    pub end: i64,
    pub copy: u32,
}

/// Which copy each hold keeps when the equipment has `copies` copies:
/// its own when that still exists and is free, else the lowest free one,
/// else `None` (more bookings at that time than copies). Holds are taken
/// in order of start, so a `None` is given only where the bookings at
/// once really outnumber the copies.
pub fn assign_copies(holds: &[CopyHold], copies: u32) -> Vec<Option<u32>> {
    let mut order: Vec<usize> = (0..holds.len()).collect();
    order.sort_by_key(|i| (holds[*i].start, holds[*i].end, *i));
    let mut out = vec![None; holds.len()];
    let mut given: Vec<(i64, i64, u32)> = Vec::new();
    for i in order {
        let h = holds[i];
        let free = |c: u32| {
            !given
                .iter()
                .any(|(s, e, g)| *g == c && *s < h.end && *e > h.start)
        };
        let pick = if h.copy >= 1 && h.copy <= copies && free(h.copy) {
            Some(h.copy)
        } else {
            (1..=copies).find(|c| free(*c))
        };
        if let Some(c) = pick {
            given.push((h.start, h.end, c));
        }
        out[i] = pick;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(id: i64) -> UnitId {
        UnitId(id)
    }

    #[test]
    fn leaves_of_a_floor_are_its_halves() {
        let tree = [
            (u(1), None),
            (u(2), Some(u(1))),
            (u(3), Some(u(1))),
            (u(4), None),
        ];
        assert_eq!(leaves(&tree, u(1)), vec![u(2), u(3)]);
        assert_eq!(leaves(&tree, u(2)), vec![u(2)]);
        assert_eq!(leaves(&tree, u(4)), vec![u(4)]);
        // A loop in bad data ends.
        let looped = [(u(1), Some(u(2))), (u(2), Some(u(1)))];
        assert!(leaves(&looped, u(1)).is_empty());
    }

    #[test]
    fn a_unit_cannot_go_inside_itself() {
        let tree = [
            (u(1), None),
            (u(2), Some(u(1))),
            (u(3), Some(u(2))),
            (u(4), None),
        ];
        assert!(may_be_part_of(&tree, u(4), u(1)));
        assert!(may_be_part_of(&tree, u(4), u(3)));
        assert!(!may_be_part_of(&tree, u(1), u(1)));
        assert!(!may_be_part_of(&tree, u(1), u(3)), "its own grandchild");
        assert!(!may_be_part_of(&tree, u(2), u(3)), "its own child");
        assert!(!may_be_part_of(&tree, u(4), u(9)), "not of the facility");
        let after = moved(&tree, u(4), Some(u(1)));
        assert_eq!(leaves(&after, u(1)), vec![u(3), u(4)]);
    }

    #[test]
    fn copies_are_kept_moved_or_missing() {
        let h = |start, end, copy| CopyHold { start, end, copy };
        // Three at once on copies 1..3, one later on copy 3.
        let holds = [h(0, 10, 1), h(0, 10, 2), h(5, 15, 3), h(20, 30, 3)];
        assert_eq!(
            assign_copies(&holds, 3),
            vec![Some(1), Some(2), Some(3), Some(3)]
        );
        // Two copies: the later one moves to copy 1, the third at once has none.
        assert_eq!(
            assign_copies(&holds, 2),
            vec![Some(1), Some(2), None, Some(1)]
        );
        // After the first two end, copy 1 is free for a booking of copy 3.
        let holds = [h(0, 10, 1), h(0, 10, 2), h(10, 20, 3)];
        assert_eq!(assign_copies(&holds, 2), vec![Some(1), Some(2), Some(1)]);
        assert_eq!(assign_copies(&holds, 0), vec![None, None, None]);
    }
}
