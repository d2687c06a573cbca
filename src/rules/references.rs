//! Reference rules: every reference resolves, and no hierarchy loops.
//!
//! Both read the references `refs` extracts with the schema-derived patterns,
//! so a reference field added to a type is checked without touching this file.

use std::collections::{HashMap, HashSet, VecDeque};

use super::Context;
use crate::diag::{Code, Finding};
use crate::model::Collection;
use crate::refs::RefField;

/// Every reference names an existing record of the collection its field points into.
pub fn references_exist(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (i, file, _) in cx.records() {
        for r in &cx.graph.refs[i] {
            if cx.ids.contains(r.target, &r.id) {
                continue;
            }
            let mut message = format!("no record in `{}` has id `{}`", r.target, r.id);
            if let Some(close) = cx.ids.closest(r.target, &r.id) {
                message.push_str(&format!("; did you mean `{close}`?"));
            } else if let Some(other) = cx.ids.elsewhere(r.target, &r.id).first() {
                message.push_str(&format!(
                    "; `{}` is a record in `{other}`, but this field points into `{}`",
                    r.id, r.target
                ));
            }
            out.push(file.finding(Code::RefDangling, &r.pointer, message));
        }
    }
}

/// No self-referencing field (organization `parent` and `founders`, place
/// `within`, …) leads from a record back to itself; each loop is reported
/// once, on its member with the first file name, listing the members in order.
pub fn hierarchies_do_not_loop(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for collection in Collection::ALL {
        for (field, f) in cx.fields.of(collection).iter().enumerate() {
            if f.target == collection {
                loops_in_field(cx, collection, field, f, out);
            }
        }
    }
}

/// The loops of one self-referencing field.
fn loops_in_field(
    cx: &Context<'_>,
    collection: Collection,
    field: usize,
    f: &RefField,
    out: &mut Vec<Finding>,
) {
    // Nodes are the valid records of the collection; edges follow `field`.
    let nodes: Vec<usize> = cx
        .records()
        .filter(|(_, file, _)| file.collection == collection)
        .map(|(i, _, _)| i)
        .collect();
    let local: HashMap<usize, usize> = nodes.iter().enumerate().map(|(l, &i)| (i, l)).collect();
    let edges: Vec<Vec<(usize, &str)>> = nodes
        .iter()
        .map(|&i| {
            cx.graph.refs[i]
                .iter()
                .filter(|r| r.field as usize == field)
                .filter_map(|r| {
                    let target = cx.graph.file(collection, &r.id)?;
                    Some((*local.get(&target)?, &*r.pointer))
                })
                .collect()
        })
        .collect();
    let successors: Vec<Vec<usize>> = edges
        .iter()
        .map(|e| e.iter().map(|(t, _)| *t).collect())
        .collect();
    let name = field_name(f);
    for component in strongly_connected(&successors) {
        let looping = component.len() > 1 || successors[component[0]].contains(&component[0]);
        if !looping {
            continue;
        }
        let carrier = *component.iter().min().unwrap_or(&component[0]);
        let members: HashSet<usize> = component.iter().copied().collect();
        let path = shortest_cycle(carrier, &successors, &members);
        let pointer = edges[carrier]
            .iter()
            .find(|(t, _)| Some(t) == path.get(1))
            .map_or("", |(_, p)| p);
        let shown: Vec<String> = path
            .iter()
            .map(|&l| format!("`{}`", cx.dataset.files[nodes[l]].stem))
            .collect();
        let file = &cx.dataset.files[nodes[carrier]];
        let what = if name == "withdrawn/successor" {
            format!("the successors of withdrawn records in `{collection}` loop")
        } else {
            format!("the `{name}` hierarchy of `{collection}` loops")
        };
        out.push(file.finding(
            Code::RefCycle,
            pointer,
            format!("{what}: {}", shown.join(" → ")),
        ));
    }
}

/// The field's name as people say it: `parent`, `founders`, `within`.
fn field_name(f: &RefField) -> String {
    f.pattern
        .display()
        .trim_start_matches('/')
        .trim_end_matches("/*")
        .to_string()
}

/// The strongly connected components of a graph given by successor lists,
/// each with its members in ascending order (Tarjan, without recursion, so a
/// long chain cannot overflow the stack).
fn strongly_connected(successors: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = successors.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next = 0;
    for start in 0..n {
        if index[start] != UNSEEN {
            continue;
        }
        // (node, position in its successor list)
        let mut work = vec![(start, 0)];
        index[start] = next;
        low[start] = next;
        next += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (v, ref mut pos)) = work.last_mut() {
            if let Some(&w) = successors[v].get(*pos) {
                *pos += 1;
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.sort_unstable();
                components.push(component);
            }
        }
    }
    components
}

/// The shortest path from `start` back to itself within `members`, both ends included.
fn shortest_cycle(start: usize, successors: &[Vec<usize>], members: &HashSet<usize>) -> Vec<usize> {
    let mut previous: HashMap<usize, usize> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    let mut seen = HashSet::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &successors[v] {
            if !members.contains(&w) {
                continue;
            }
            if w == start {
                let mut back = Vec::new();
                let mut at = v;
                while at != start {
                    back.push(at);
                    at = previous[&at];
                }
                back.reverse();
                let mut path = vec![start];
                path.extend(back);
                path.push(start);
                return path;
            }
            if seen.insert(w) {
                previous.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    vec![start, start]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_components_and_cycles() {
        // 0 → 1 → 2 → 0, 3 → 3, 4 → 0
        let successors = vec![vec![1], vec![2], vec![0], vec![3], vec![0]];
        let mut components = strongly_connected(&successors);
        components.sort();
        assert_eq!(components, vec![vec![0, 1, 2], vec![3], vec![4]]);
        let members: HashSet<usize> = [0, 1, 2].into();
        assert_eq!(shortest_cycle(0, &successors, &members), vec![0, 1, 2, 0]);
        assert_eq!(shortest_cycle(3, &successors, &[3].into()), vec![3, 3]);
    }

    #[test]
    fn long_chains_do_not_overflow() {
        let n = 200_000;
        let successors: Vec<Vec<usize>> = (0..n).map(|i| vec![(i + 1) % n]).collect();
        let components = strongly_connected(&successors);
        assert_eq!(components.len(), 1);
        assert_eq!(components[0].len(), n);
    }
}
