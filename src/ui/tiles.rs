//! Sessions as tiles (egui_tiles): side by side, stacked or as tabs, dragged from one to the
//! other, and kept with the workspace as an [`Arrangement`]. The tree's panes are session
//! uids; the app owns the sessions.

use egui_tiles::{Container, ContainerKind, Linear, LinearDir, Tabs, Tile, TileId, Tiles, Tree};

use crate::spec::preset::Arrangement;

/// The sessions' arrangement: panes are session uids.
pub type SessionTree = Tree<u64>;

/// The tree's id in egui's memory.
pub fn tree_id() -> egui::Id {
    egui::Id::unique("session-tiles")
}

/// Shares are kept in thousandths in files.
const SHARE_SCALE: f32 = 1000.0;

/// The default arrangement of sessions opened in this order: the first two side by side; any
/// more as tabs beside the second.
pub fn default_tree(uids: &[u64]) -> SessionTree {
    let mut tiles = Tiles::default();
    let mut children: Vec<TileId> = uids.iter().take(1).map(|&uid| tiles.insert_pane(uid)).collect();
    match uids.len() {
        0 | 1 => {}
        2 => children.push(tiles.insert_pane(uids[1])),
        _ => {
            let rest: Vec<TileId> = uids[1..].iter().map(|&uid| tiles.insert_pane(uid)).collect();
            children.push(tiles.insert_tab_tile(rest));
        }
    }
    let root = tiles.insert_horizontal_tile(children);
    Tree::new(tree_id(), root, tiles)
}

/// The tree an arrangement describes, for sessions whose uids are `uids` (by place). A place
/// that names no session is dropped; a session the arrangement leaves out opens as a tab
/// beside the last one.
pub fn from_arrangement(arrangement: &Arrangement, uids: &[u64]) -> SessionTree {
    fn build(
        node: &Arrangement,
        uids: &[u64],
        tiles: &mut Tiles<u64>,
        used: &mut Vec<u64>,
    ) -> Option<TileId> {
        let kids = |children: &[Arrangement], tiles: &mut Tiles<u64>, used: &mut Vec<u64>| -> Vec<TileId> {
            children.iter().filter_map(|c| build(c, uids, tiles, used)).collect()
        };
        match node {
            Arrangement::Session { index } => {
                let uid = *uids.get(*index)?;
                if used.contains(&uid) {
                    return None;
                }
                used.push(uid);
                Some(tiles.insert_pane(uid))
            }
            Arrangement::Tabs { children, active } => {
                let ids = kids(children, tiles, used);
                let shown = ids.get(*active).copied();
                let mut tabs = Tabs::new(ids);
                if let Some(shown) = shown {
                    tabs.set_active(shown);
                }
                (!tabs.children.is_empty()).then(|| tiles.insert_container(tabs))
            }
            Arrangement::Row { children, shares } | Arrangement::Column { children, shares } => {
                let dir = if matches!(node, Arrangement::Row { .. }) {
                    LinearDir::Horizontal
                } else {
                    LinearDir::Vertical
                };
                let ids = kids(children, tiles, used);
                let mut linear = Linear::new(dir, ids.clone());
                if shares.len() == ids.len() {
                    for (id, share) in ids.iter().zip(shares) {
                        linear.shares.set_share(*id, (*share).max(1) as f32 / SHARE_SCALE);
                    }
                }
                (!ids.is_empty()).then(|| tiles.insert_container(linear))
            }
            Arrangement::Grid { children } => {
                let ids = kids(children, tiles, used);
                (!ids.is_empty()).then(|| tiles.insert_grid_tile(ids))
            }
        }
    }
    let mut tiles = Tiles::default();
    let mut used = Vec::new();
    match build(arrangement, uids, &mut tiles, &mut used) {
        Some(root) => {
            let mut tree = Tree::new(tree_id(), root, tiles);
            let focus = used.last().copied();
            for &uid in uids.iter().filter(|uid| !used.contains(uid)) {
                add_beside(&mut tree, focus, uid);
            }
            tree
        }
        None => default_tree(uids),
    }
}

/// The arrangement of a tree, for files: sessions by their place in `uids`.
pub fn to_arrangement(tree: &SessionTree, uids: &[u64]) -> Option<Arrangement> {
    fn describe(tiles: &Tiles<u64>, id: TileId, uids: &[u64]) -> Option<Arrangement> {
        match tiles.get(id)? {
            Tile::Pane(uid) => uids.iter().position(|u| u == uid).map(|index| Arrangement::Session { index }),
            Tile::Container(Container::Tabs(tabs)) => {
                let mut children = Vec::new();
                let mut active = 0;
                for child in &tabs.children {
                    if let Some(node) = describe(tiles, *child, uids) {
                        if tabs.active == Some(*child) {
                            active = children.len();
                        }
                        children.push(node);
                    }
                }
                Some(Arrangement::Tabs { children, active })
            }
            Tile::Container(Container::Linear(linear)) => {
                let mut children = Vec::new();
                let mut shares = Vec::new();
                for child in &linear.children {
                    if let Some(node) = describe(tiles, *child, uids) {
                        children.push(node);
                        shares.push((linear.shares[*child] * SHARE_SCALE).round() as u32);
                    }
                }
                Some(match linear.dir {
                    LinearDir::Horizontal => Arrangement::Row { children, shares },
                    LinearDir::Vertical => Arrangement::Column { children, shares },
                })
            }
            Tile::Container(Container::Grid(grid)) => {
                let children = grid.children().filter_map(|c| describe(tiles, *c, uids)).collect();
                Some(Arrangement::Grid { children })
            }
        }
    }
    describe(&tree.tiles, tree.root()?, uids)
}

/// The tile of a session.
pub fn tile_of(tree: &SessionTree, uid: u64) -> Option<TileId> {
    tree.tiles.find_pane(&uid)
}

/// Opens a session as a tab beside `focused` (or at the top level when there is none): in
/// the focused session's tab group, or in a new one that takes the focused session's place.
pub fn add_beside(tree: &mut SessionTree, focused: Option<u64>, uid: u64) {
    let new = tree.tiles.insert_pane(uid);
    insert_beside(tree, focused, new);
}

/// Opens sessions that belong together (a UDP server and its client) side by side, in one
/// tab beside `focused`.
pub fn add_group_beside(tree: &mut SessionTree, focused: Option<u64>, uids: &[u64]) {
    let panes: Vec<TileId> = uids.iter().map(|&uid| tree.tiles.insert_pane(uid)).collect();
    let group = tree.tiles.insert_horizontal_tile(panes);
    insert_beside(tree, focused, group);
}

fn insert_beside(tree: &mut SessionTree, focused: Option<u64>, new: TileId) {
    let Some(root) = tree.root() else {
        tree.root = Some(new);
        return;
    };
    let target = focused.and_then(|f| tile_of(tree, f)).unwrap_or(root);
    match tree.tiles.parent_of(target) {
        Some(parent) if matches!(tree.tiles.get(parent), Some(Tile::Container(Container::Tabs(_)))) => {
            if let Some(Tile::Container(Container::Tabs(tabs))) = tree.tiles.get_mut(parent) {
                tabs.add_child(new);
                tabs.set_active(new);
            }
        }
        parent => {
            let mut tabs = Tabs::new(vec![target, new]);
            tabs.set_active(new);
            let group = tree.tiles.insert_container(tabs);
            match parent {
                Some(parent) => {
                    if let Some(Tile::Container(container)) = tree.tiles.get_mut(parent) {
                        let _ = container.replace_child(target, group);
                        if let Container::Linear(linear) = container {
                            let share = linear.shares[target];
                            linear.shares.set_share(group, share);
                        }
                    }
                }
                None => tree.root = Some(group),
            }
        }
    }
}

/// Takes a closed session out of the arrangement.
pub fn remove(tree: &mut SessionTree, uid: u64) {
    if let Some(tile) = tile_of(tree, uid) {
        tree.remove_recursively(tile);
    }
}

/// Brings a session into view: its tab, and its ancestors' tabs, come to the front.
pub fn show(tree: &mut SessionTree, uid: u64) {
    tree.make_active(|_, tile| matches!(tile, Tile::Pane(p) if *p == uid));
}

/// Whether a session is on screen now (not behind another tab).
pub fn is_shown(tree: &SessionTree, uid: u64) -> bool {
    tile_of(tree, uid).is_some_and(|tile| tree.active_tiles().contains(&tile))
}

/// The kind of the container a session sits in, if any.
pub fn container_of(tree: &SessionTree, uid: u64) -> Option<ContainerKind> {
    let parent = tree.tiles.parent_of(tile_of(tree, uid)?)?;
    tree.tiles.get_container(parent).map(Container::kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arrangement_survives_the_round_trip_through_a_tree() {
        let uids = [11, 12, 13, 14];
        let arrangement = Arrangement::Row {
            children: vec![
                Arrangement::Session { index: 0 },
                Arrangement::Column {
                    children: vec![
                        Arrangement::Session { index: 1 },
                        Arrangement::Tabs {
                            children: vec![
                                Arrangement::Session { index: 2 },
                                Arrangement::Session { index: 3 },
                            ],
                            active: 1,
                        },
                    ],
                    shares: vec![300, 700],
                },
            ],
            shares: vec![400, 600],
        };
        let tree = from_arrangement(&arrangement, &uids);
        assert_eq!(to_arrangement(&tree, &uids), Some(arrangement));
        assert!(is_shown(&tree, 14) && !is_shown(&tree, 13));
    }

    #[test]
    fn further_sessions_open_as_tabs_beside_the_focused_one_and_every_one_can_be_shown() {
        let mut tree = default_tree(&[1, 2]);
        assert_eq!(container_of(&tree, 2), Some(ContainerKind::Horizontal));
        add_beside(&mut tree, Some(2), 3);
        add_beside(&mut tree, Some(3), 4);
        assert_eq!(container_of(&tree, 3), Some(ContainerKind::Tabs));
        assert_eq!(container_of(&tree, 4), Some(ContainerKind::Tabs));
        assert!(is_shown(&tree, 4) && !is_shown(&tree, 2));
        show(&mut tree, 2);
        assert!(is_shown(&tree, 2) && !is_shown(&tree, 4) && is_shown(&tree, 1));
        remove(&mut tree, 2);
        assert!(tile_of(&tree, 2).is_none());
        // A place that names no session is dropped; a session left out comes back as a tab.
        let odd = Arrangement::Row {
            children: vec![Arrangement::Session { index: 0 }, Arrangement::Session { index: 9 }],
            shares: vec![],
        };
        let tree = from_arrangement(&odd, &[1, 2]);
        assert!(tile_of(&tree, 1).is_some() && tile_of(&tree, 2).is_some());
    }
}
