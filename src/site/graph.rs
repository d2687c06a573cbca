//! The partnership network as a picture, laid out when the site is built.
//!
//! Nodes are organizations, partnerships, labs, talent programmes and
//! events; an edge is a reference between two of them, labelled with the
//! role the field names (party, host, founder…), written along the line
//! where it covers no name, mark or other role, and otherwise given as the
//! line's title, shown when the line is pointed at. The whole network is placed
//! by stress majorization (distances on the page follow distances in the
//! graph), started from fixed positions and run for a fixed number of rounds, so the same data always
//! gives the same picture; coordinates are rounded before they are written.
//! An organization's neighbourhood (what it is linked to, and what those
//! are linked to) is drawn as rings around it, which stays readable however
//! large the dataset grows. The SVG carries its links, a title and a
//! description, and needs no script.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use super::index::Index;
use crate::model::Collection;

/// The collections the network shows.
pub const NETWORK: [Collection; 5] = [
    Collection::Organizations,
    Collection::Partnerships,
    Collection::Labs,
    Collection::TalentPrograms,
    Collection::Events,
];

/// The most nodes the whole-network picture shows; beyond that it keeps the
/// best-connected ones and says so.
pub const WHOLE_LIMIT: usize = 160;
/// The most nodes on each ring of a neighbourhood.
const RING_LIMIT: [usize; 2] = [24, 36];

/// A labelled line between two nodes of a picture, whichever names the other.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    /// One node, by its position in the picture.
    pub from: usize,
    /// The other.
    pub to: usize,
    /// The roles, from the fields' names.
    pub label: String,
}

/// The network over the whole index.
#[derive(Debug)]
pub struct Network {
    /// The roles of each linked pair `(lower, higher)`.
    pub labels: HashMap<(usize, usize), String>,
    /// For each entry, its neighbours (both directions), in index order.
    pub neighbours: HashMap<usize, BTreeSet<usize>>,
}

impl Network {
    /// The network of `index`.
    pub fn new(index: &Index) -> Network {
        // References between the same two records share one line.
        let mut pairs: BTreeMap<(usize, usize), BTreeSet<String>> = BTreeMap::new();
        for (from, e) in index.entries.iter().enumerate() {
            if !NETWORK.contains(&e.collection) {
                continue;
            }
            for (r, to) in e.resolved() {
                if NETWORK.contains(&r.target) && to != from {
                    pairs
                        .entry((from.min(to), from.max(to)))
                        .or_default()
                        .insert(role(&r.pointer));
                }
            }
        }
        let mut neighbours: HashMap<usize, BTreeSet<usize>> = HashMap::new();
        for &(a, b) in pairs.keys() {
            neighbours.entry(a).or_default().insert(b);
            neighbours.entry(b).or_default().insert(a);
        }
        let labels = pairs
            .into_iter()
            .map(|(pair, roles)| (pair, roles.into_iter().collect::<Vec<_>>().join(", ")))
            .collect();
        Network { labels, neighbours }
    }

    fn degree(&self, i: usize) -> usize {
        self.neighbours.get(&i).map_or(0, BTreeSet::len)
    }

    fn around(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.neighbours.get(&i).into_iter().flatten().copied()
    }

    /// The edges among `nodes`, as positions in `nodes`, with their labels,
    /// in order of position. A node with fewer neighbours than the picture
    /// has nodes walks its neighbours; a hub (thousands of neighbours) is
    /// looked up pair by pair instead.
    pub fn edges_among(&self, nodes: &[usize]) -> Vec<Edge> {
        let at: HashMap<usize, usize> = nodes.iter().enumerate().map(|(k, &n)| (n, k)).collect();
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (a, &n) in nodes.iter().enumerate() {
            let Some(around) = self.neighbours.get(&n) else {
                continue;
            };
            if around.len() <= nodes.len() {
                pairs.extend(
                    around
                        .iter()
                        .filter_map(|m| at.get(m))
                        .filter(|&&b| b > a)
                        .map(|&b| (a, b)),
                );
            } else {
                pairs.extend(
                    ((a + 1)..nodes.len())
                        .filter(|&b| around.contains(&nodes[b]))
                        .map(|b| (a, b)),
                );
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs
            .into_iter()
            .filter_map(|(a, b)| {
                let pair = (nodes[a].min(nodes[b]), nodes[a].max(nodes[b]));
                Some(Edge {
                    from: a,
                    to: b,
                    label: self.labels.get(&pair)?.clone(),
                })
            })
            .collect()
    }
}

/// The role a reference field names: `/parties/0` is a party, `/parent` makes
/// the referrer part of the target.
pub fn role(pointer: &str) -> String {
    let key = pointer
        .split('/')
        .find(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or("");
    match key {
        "parent" => "part of".to_string(),
        "partnership" => "under".to_string(),
        k if k.ends_with("ies") => format!("{}y", &k[..k.len() - 3]),
        k if k.ends_with("sses") => k[..k.len() - 2].to_string(),
        k if k.ends_with('s') => k[..k.len() - 1].to_string(),
        k => k.replace('_', " "),
    }
}

/// A drawn picture.
#[derive(Debug, Clone)]
pub struct Picture {
    /// The `<svg>` element.
    pub svg: String,
    /// Nodes drawn.
    pub shown: usize,
    /// Nodes there were to draw: in the whole network, every linked record;
    /// around a record, the records linked to it directly.
    pub total: usize,
}

/// The whole network: every entry with at least one edge, up to
/// `WHOLE_LIMIT` of the best connected.
pub fn whole(index: &Index, net: &Network, root: &str) -> Picture {
    let mut nodes: Vec<usize> = net.neighbours.keys().copied().collect();
    let total = nodes.len();
    nodes.sort_by_key(|&i| (std::cmp::Reverse(net.degree(i)), i));
    nodes.truncate(WHOLE_LIMIT);
    nodes.sort_unstable();
    let mut positions = stress_layout(&nodes, net);
    remove_overlaps(&mut positions, &label_widths(index, &nodes));
    let svg = draw(
        index,
        net,
        &nodes,
        &positions,
        None,
        root,
        "The partnership network",
    );
    Picture {
        svg,
        shown: nodes.len(),
        total,
    }
}

/// Entry `center` with its neighbours on an inner ring and theirs on an
/// outer ring.
pub fn neighbourhood(index: &Index, net: &Network, center: usize, root: &str) -> Option<Picture> {
    let first: Vec<usize> = net.around(center).collect();
    if first.is_empty() {
        return None;
    }
    let total = first.len();
    let inner: Vec<usize> = first.iter().copied().take(RING_LIMIT[0]).collect();
    let mut seen: BTreeSet<usize> = inner.iter().copied().chain([center]).collect();
    let mut outer: Vec<(usize, usize)> = Vec::new();
    'slots: for (slot, &n) in inner.iter().enumerate() {
        for m in net.around(n) {
            if outer.len() == RING_LIMIT[1] {
                break 'slots;
            }
            if !net.neighbours[&center].contains(&m) && seen.insert(m) {
                outer.push((slot, m));
            }
        }
    }
    let radius = [200.0, 470.0];
    let mut nodes = vec![center];
    let mut positions = vec![(0.0, 0.0)];
    let step = std::f64::consts::TAU / inner.len() as f64;
    // With a multiple of four, a node would sit right beside the centre and
    // its label; half a step round avoids that.
    let turn = if inner.len().is_multiple_of(4) {
        0.5
    } else {
        0.0
    };
    for (k, &n) in inner.iter().enumerate() {
        nodes.push(n);
        positions.push(polar(radius[0], step * (k as f64 + turn)));
    }
    // Each outer node sits in the angle of the inner node that brought it.
    let mut per_slot: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (slot, m) in &outer {
        per_slot.entry(*slot).or_default().push(*m);
    }
    for (slot, ms) in &per_slot {
        let spread = step.min(0.5);
        for (k, &m) in ms.iter().enumerate() {
            let offset = if ms.len() == 1 {
                0.0
            } else {
                spread * (k as f64 / (ms.len() - 1) as f64 - 0.5)
            };
            nodes.push(m);
            let r = radius[1] + if k % 2 == 1 { 50.0 } else { 0.0 };
            positions.push(polar(r, step * (*slot as f64 + turn) + offset));
        }
    }
    remove_overlaps(&mut positions, &label_widths(index, &nodes));
    let title = format!("The network around {}", index.entries[center].title);
    let svg = draw(index, net, &nodes, &positions, Some(center), root, &title);
    Some(Picture {
        svg,
        shown: nodes.len(),
        total,
    })
}

fn polar(r: f64, angle: f64) -> (f64, f64) {
    // Start at the top and go clockwise, as a reader scans.
    let a = angle - std::f64::consts::FRAC_PI_2;
    (r * a.cos(), r * a.sin())
}

/// SplitMix64, for the starting jitter of the force layout.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Stress majorization (Gansner, Koren and North): places nodes so that
/// their distances match their distances in the graph, from a circle with
/// seeded jitter, for a fixed number of rounds. Records in separate groups
/// are held a little beyond the longest path.
fn stress_layout(nodes: &[usize], net: &Network) -> Vec<(f64, f64)> {
    const EDGE: f64 = 140.0;
    let n = nodes.len();
    let mut adjacent = vec![Vec::new(); n];
    for e in net.edges_among(nodes) {
        adjacent[e.from].push(e.to);
        adjacent[e.to].push(e.from);
    }
    // Graph distances by breadth-first search from every node.
    let mut hops = vec![vec![usize::MAX; n]; n];
    for (s, row) in hops.iter_mut().enumerate() {
        row[s] = 0;
        let mut queue = std::collections::VecDeque::from([s]);
        while let Some(a) = queue.pop_front() {
            for &b in &adjacent[a] {
                if row[b] == usize::MAX {
                    row[b] = row[a] + 1;
                    queue.push_back(b);
                }
            }
        }
    }
    let longest = hops
        .iter()
        .flatten()
        .filter(|h| **h != usize::MAX)
        .max()
        .copied()
        .unwrap_or(1);
    let apart = (longest / 2 + 2) as f64;
    let target = |a: usize, b: usize| match hops[a][b] {
        usize::MAX => apart * EDGE,
        h => h as f64 * EDGE,
    };
    let mut rng = Rng(0x7EC4_9AC7);
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let (x, y) = polar(
                EDGE * (n as f64).sqrt(),
                std::f64::consts::TAU * i as f64 / n.max(1) as f64,
            );
            (x + rng.unit() * EDGE, y + rng.unit() * EDGE)
        })
        .collect();
    for _ in 0..300 {
        for a in 0..n {
            let (mut sx, mut sy, mut sw) = (0.0, 0.0, 0.0);
            for b in 0..n {
                if a == b {
                    continue;
                }
                let d = target(a, b);
                let w = 1.0 / (d * d);
                let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
                let dist = (dx * dx + dy * dy).sqrt().max(1e-6);
                sx += w * (pos[b].0 + d * dx / dist);
                sy += w * (pos[b].1 + d * dy / dist);
                sw += w;
            }
            if sw > 0.0 {
                pos[a] = (sx / sw, sy / sw);
            }
        }
    }
    pos
}

/// The width a node takes with its label, roughly, in drawing units.
fn label_widths(index: &Index, nodes: &[usize]) -> Vec<f64> {
    nodes
        .iter()
        .map(|&i| 24.0 + NAME_CHAR * label(&index.entries[i].title).chars().count() as f64)
        .collect()
}

/// Pushes apart nodes whose labels would overlap, along the axis where they
/// overlap least, until none do or a fixed number of rounds has passed. The
/// picture keeps its shape; only crowded labels move. A label runs away from
/// the middle, as `draw` places it.
fn remove_overlaps(pos: &mut [(f64, f64)], widths: &[f64]) {
    const HEIGHT: f64 = 24.0;
    const NODE: f64 = 14.0;
    for _ in 0..200 {
        let middle = pos.iter().map(|p| p.0).sum::<f64>() / pos.len().max(1) as f64;
        // Each node's box: from its left edge to its right edge, around x.
        let extent = |k: usize, x: f64| {
            if name_goes_left(x, middle) {
                (x - widths[k], x + NODE)
            } else {
                (x - NODE, x + widths[k])
            }
        };
        let mut moved = false;
        for a in 0..pos.len() {
            for b in (a + 1)..pos.len() {
                let ((al, ar), (bl, br)) = (extent(a, pos[a].0), extent(b, pos[b].0));
                let ox = ar.min(br) - al.max(bl);
                let dy = pos[b].1 - pos[a].1;
                let oy = HEIGHT - dy.abs();
                if ox <= 0.0 || oy <= 0.0 {
                    continue;
                }
                moved = true;
                if oy <= ox {
                    let push = (oy / 2.0 + 0.5) * if dy < 0.0 { -1.0 } else { 1.0 };
                    pos[a].1 -= push;
                    pos[b].1 += push;
                } else {
                    let dx = (bl + br) - (al + ar);
                    let push = (ox / 2.0 + 0.5) * if dx < 0.0 { -1.0 } else { 1.0 };
                    pos[a].0 -= push;
                    pos[b].0 += push;
                }
            }
        }
        if !moved {
            break;
        }
    }
}

/// The colour class and the shape of a collection's nodes.
fn look(c: Collection) -> (&'static str, &'static str) {
    match c {
        Collection::Organizations => ("org", "circle"),
        Collection::Partnerships => ("par", "diamond"),
        Collection::Labs => ("lab", "square"),
        Collection::TalentPrograms => ("tal", "square"),
        _ => ("evt", "triangle"),
    }
}

/// The SVG of `nodes` at `positions`, with every edge among them.
fn draw(
    index: &Index,
    net: &Network,
    nodes: &[usize],
    positions: &[(f64, f64)],
    center: Option<usize>,
    root: &str,
    title: &str,
) -> String {
    const MARGIN: f64 = 40.0;
    const LABEL_ROOM: f64 = 200.0;
    let xs = positions.iter().map(|p| p.0);
    let ys = positions.iter().map(|p| p.1);
    let min_x = xs.clone().fold(f64::INFINITY, f64::min);
    let max_x = xs.fold(f64::NEG_INFINITY, f64::max);
    let min_y = ys.clone().fold(f64::INFINITY, f64::min);
    let max_y = ys.fold(f64::NEG_INFINITY, f64::max);
    let at: Vec<(i64, i64)> = positions
        .iter()
        .map(|p| {
            (
                (p.0 - min_x + MARGIN + LABEL_ROOM).round() as i64,
                (p.1 - min_y + MARGIN).round() as i64,
            )
        })
        .collect();
    let width = (max_x - min_x + 2.0 * (MARGIN + LABEL_ROOM)).round() as i64;
    let height = (max_y - min_y + 2.0 * MARGIN + 20.0).round() as i64;
    // Labels point away from the middle, so they run into open space.
    let middle = at.iter().map(|p| p.0).sum::<i64>() / at.len().max(1) as i64;
    let names: Vec<Name> = nodes
        .iter()
        .zip(&at)
        .map(|(&i, &(x, y))| {
            Name::of(
                (x, y),
                Some(i) == center,
                middle,
                label(&index.entries[i].title),
            )
        })
        .collect();
    let edges = net.edges_among(nodes);
    let roles = place_roles(&at, &edges, &names);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="network" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="network-title network-desc"><title id="network-title">{}</title><desc id="network-desc">{} records and the references between them; each name links to its page.</desc>"#,
        esc(title),
        nodes.len()
    );
    svg.push_str(r#"<g class="edges">"#);
    for (e, role) in edges.iter().zip(&roles) {
        let ((x1, y1), (x2, y2)) = (at[e.from], at[e.to]);
        match role {
            Some((x, y)) => {
                let _ = write!(
                    svg,
                    r#"<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/><text class="role" x="{x}" y="{}">{}</text>"#,
                    y + ROLE_BASELINE,
                    esc(&e.label)
                );
            }
            None => {
                let _ = write!(
                    svg,
                    r#"<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"><title>{}</title></line>"#,
                    esc(&e.label)
                );
            }
        }
    }
    svg.push_str("</g><g class=\"nodes\">");
    for ((k, &i), name) in nodes.iter().enumerate().zip(&names) {
        let e = &index.entries[i];
        let (class, shape) = look(e.collection);
        let (x, y) = at[k];
        let center_class = if Some(i) == center { " center" } else { "" };
        let _ = write!(
            svg,
            r#"<a href="{}{}"><g class="node {class}{center_class}">"#,
            root,
            esc(&e.page())
        );
        let r = name.radius;
        match shape {
            "circle" => {
                let _ = write!(svg, r#"<circle cx="{x}" cy="{y}" r="{r}"/>"#);
            }
            "square" => {
                let _ = write!(
                    svg,
                    r#"<rect x="{}" y="{}" width="{}" height="{}"/>"#,
                    x - r,
                    y - r,
                    2 * r,
                    2 * r
                );
            }
            "diamond" => {
                let _ = write!(
                    svg,
                    r#"<polygon points="{x},{} {},{y} {x},{} {},{y}"/>"#,
                    y - r - 2,
                    x + r + 2,
                    y + r + 2,
                    x - r - 2
                );
            }
            _ => {
                let _ = write!(
                    svg,
                    r#"<polygon points="{x},{} {},{} {},{}"/>"#,
                    y - r - 2,
                    x + r + 2,
                    y + r,
                    x - r - 2,
                    y + r
                );
            }
        }
        let (tx, ty) = name.at;
        let anchor = match name.anchor {
            Anchor::Middle => " text-anchor=\"middle\"",
            Anchor::End => " text-anchor=\"end\"",
            Anchor::Start => "",
        };
        let _ = write!(
            svg,
            r#"<text x="{tx}" y="{ty}"{anchor}>{}</text></g></a>"#,
            esc(&name.text)
        );
    }
    svg.push_str("</g></svg>");
    svg
}

/// A rectangle of the picture, in drawing units: left, top, right, bottom.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl Rect {
    fn overlaps(&self, other: &Rect) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }
}

/// Which end of a name its point is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// A node as drawn: its mark, and its name beside it (above it for the
/// centre of a neighbourhood).
#[derive(Debug, Clone)]
struct Name {
    /// The node's place.
    node: (i64, i64),
    /// The half-width of its mark.
    radius: i64,
    /// Where the name's baseline is anchored.
    at: (i64, i64),
    anchor: Anchor,
    /// The name as shown.
    text: String,
}

/// Whether the name of a node at `x` is written to its left: names point
/// away from the picture's `middle`, so they run into open space.
fn name_goes_left(x: f64, middle: f64) -> bool {
    x < middle - 20.0
}

/// Roughly how wide a character of a name (13 px) and of a role (10 px) is.
const NAME_CHAR: f64 = 7.0;
const ROLE_CHAR: f64 = 5.5;
/// How far below the line's point a role's baseline sits, so that the role
/// is centred on its line.
const ROLE_BASELINE: i64 = 3;

impl Name {
    fn of((x, y): (i64, i64), center: bool, middle: i64, text: String) -> Name {
        let radius = if center { 12 } else { 8 };
        let (at, anchor) = if center {
            ((x, y - radius - 8), Anchor::Middle)
        } else if name_goes_left(x as f64, middle as f64) {
            ((x - radius - 4, y + 4), Anchor::End)
        } else {
            ((x + radius + 4, y + 4), Anchor::Start)
        };
        Name {
            node: (x, y),
            radius,
            at,
            anchor,
            text,
        }
    }

    /// The room its mark and its name take.
    fn boxes(&self) -> [Rect; 2] {
        let (x, y) = (self.node.0 as f64, self.node.1 as f64);
        let r = self.radius as f64 + 2.0;
        let mark = Rect {
            left: x - r,
            top: y - r,
            right: x + r,
            bottom: y + r,
        };
        let width = NAME_CHAR * self.text.chars().count() as f64;
        let (tx, ty) = (self.at.0 as f64, self.at.1 as f64);
        let left = match self.anchor {
            Anchor::Start => tx,
            Anchor::Middle => tx - width / 2.0,
            Anchor::End => tx - width,
        };
        let name = Rect {
            left,
            top: ty - 11.0,
            right: left + width,
            bottom: ty + 3.0,
        };
        [mark, name]
    }
}

/// The room a role centred on `(x, y)` takes.
fn role_box(label: &str, (x, y): (f64, f64)) -> Rect {
    let half = ROLE_CHAR * label.chars().count() as f64 / 2.0 + 2.0;
    Rect {
        left: x - half,
        top: y - 6.0,
        right: x + half,
        bottom: y + 6.0,
    }
}

/// Where each edge's role is written: the point of its line nearest the
/// middle where the role covers no mark, name or role placed before it,
/// shortest lines first (they have the least room); `None` where the line
/// has no such point, and the role is then the line's title, shown when it
/// is pointed at. The same picture always places its roles alike.
fn place_roles(at: &[(i64, i64)], edges: &[Edge], names: &[Name]) -> Vec<Option<(i64, i64)>> {
    const ALONG: [f64; 7] = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8];
    let mut taken: Vec<Rect> = names.iter().flat_map(Name::boxes).collect();
    let length = |e: &Edge| {
        let ((x1, y1), (x2, y2)) = (at[e.from], at[e.to]);
        (x2 - x1).pow(2) + (y2 - y1).pow(2)
    };
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_by_key(|&k| (length(&edges[k]), k));
    let mut placed = vec![None; edges.len()];
    for k in order {
        let e = &edges[k];
        let ((x1, y1), (x2, y2)) = (at[e.from], at[e.to]);
        let point = |t: f64| {
            (
                (x1 as f64 + t * (x2 - x1) as f64).round(),
                (y1 as f64 + t * (y2 - y1) as f64).round(),
            )
        };
        let free = ALONG.iter().map(|&t| point(t)).find(|&p| {
            let room = role_box(&e.label, p);
            !taken.iter().any(|other| room.overlaps(other))
        });
        if let Some(p) = free {
            taken.push(role_box(&e.label, p));
            placed[k] = Some((p.0 as i64, p.1 as i64));
        }
    }
    placed
}

/// A node's label: the title, cut to fit beside the node.
fn label(title: &str) -> String {
    const MAX: usize = 30;
    if title.chars().count() <= MAX {
        title.to_string()
    } else {
        let cut: String = title.chars().take(MAX - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Escapes text for XML content and attributes.
pub fn esc(s: &str) -> String {
    // Most names and titles have nothing to escape.
    if !s
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_xml_and_plain_text_kept() {
        assert_eq!(
            esc("a<b & 'c' \"d\">"),
            "a&lt;b &amp; &#39;c&#39; &quot;d&quot;&gt;"
        );
        assert_eq!(esc("plain é"), "plain é");
    }

    /// A node at `at` named `text`, drawn as an outer node right of the middle.
    fn named(at: (i64, i64), text: &str) -> Name {
        Name::of(at, false, 0, text.to_string())
    }

    fn edge(from: usize, to: usize, label: &str) -> Edge {
        Edge {
            from,
            to,
            label: label.to_string(),
        }
    }

    /// Whether `p` lies on the segment from `a` to `b`, give or take rounding.
    fn on_segment(p: (i64, i64), a: (i64, i64), b: (i64, i64)) -> bool {
        let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
        let length = (((b.0 - a.0).pow(2) + (b.1 - a.1).pow(2)) as f64).sqrt();
        (cross as f64).abs() / length <= 1.0
            && p.0 >= a.0.min(b.0) - 1
            && p.0 <= a.0.max(b.0) + 1
            && p.1 >= a.1.min(b.1) - 1
            && p.1 <= a.1.max(b.1) + 1
    }

    #[test]
    fn roles_around_a_hub_are_placed_apart_from_each_other_and_from_names() {
        // A hub with twelve spokes, each role as long as the longest there is.
        let hub = (600, 600);
        let mut at = vec![hub];
        for k in 0..12 {
            let angle = std::f64::consts::TAU * k as f64 / 12.0;
            at.push((
                600 + (140.0 * angle.cos()).round() as i64,
                600 + (140.0 * angle.sin()).round() as i64,
            ));
        }
        let names: Vec<Name> = at
            .iter()
            .enumerate()
            .map(|(k, &p)| named(p, &format!("Organization number {k}")))
            .collect();
        let edges: Vec<Edge> = (1..at.len())
            .map(|k| edge(0, k, "party, signatory, witness"))
            .collect();
        let placed = place_roles(&at, &edges, &names);
        let boxes: Vec<Rect> = placed
            .iter()
            .zip(&edges)
            .filter_map(|(p, e)| {
                p.map(|p| {
                    assert!(on_segment(p, at[e.from], at[e.to]), "{p:?} is off its line");
                    role_box(&e.label, (p.0 as f64, p.1 as f64))
                })
            })
            .collect();
        assert!(boxes.len() >= 6, "only {} of 12 roles placed", boxes.len());
        for (a, first) in boxes.iter().enumerate() {
            for second in &boxes[a + 1..] {
                assert!(!first.overlaps(second), "{first:?} overlaps {second:?}");
            }
            for name in &names {
                for room in name.boxes() {
                    assert!(!first.overlaps(&room), "{first:?} covers {room:?}");
                }
            }
        }
        // The same picture places its roles alike.
        assert_eq!(place_roles(&at, &edges, &names), placed);
    }

    #[test]
    fn a_role_with_no_room_on_its_line_is_not_written_over_another() {
        // Two short lines a pixel apart: the shorter one's role sits in its
        // middle; wherever the other's would go, it would cover that role
        // or a mark.
        let at = vec![(0, 0), (100, 0), (0, 1), (104, 1)];
        let names: Vec<Name> = at.iter().map(|&p| named(p, "")).collect();
        let edges = vec![edge(2, 3, "party"), edge(0, 1, "party")];
        let placed = place_roles(&at, &edges, &names);
        assert_eq!(placed, vec![None, Some((50, 0))]);
    }

    #[test]
    fn roles_come_from_field_names() {
        assert_eq!(role("/parties/0"), "party");
        assert_eq!(role("/hosts/1"), "host");
        assert_eq!(role("/parent"), "part of");
        assert_eq!(role("/partnership"), "under");
        assert_eq!(role("/organizers/0"), "organizer");
        assert_eq!(role("/witnesses/0/organization"), "witness");
        assert_eq!(role("/signatories/1/organization"), "signatory");
    }
}
