//! The dataset as relational tables, derived from the generated schemas.
//!
//! Each collection gets one table with one row per record; scalar fields are
//! columns, in the type's field order, and nested objects are flattened into
//! `<field>_<member>` columns where they sit.
//! Every array becomes a child table with one row per item, keyed by the
//! parent's key plus a 1-based `position`, so consumers join instead of
//! parsing JSON in cells: an array of references becomes a link table (such
//! as `partnerships_parties`), an array of objects a table of their flattened
//! members (signatories, roles, citations, fact subjects), and an array inside
//! such an item a grandchild table. A `oneOf` (a fact's value, a fact
//! subject) contributes the union of its forms' members as nullable columns.
//! A reference column is named after its field (singular for a list item)
//! followed by `_id`, as `partnership_id` or `party_id`, and carries the collection it points into,
//! from the schema's `x-techpact-ref`, which becomes a foreign key.
//!
//! Deriving the tables from the schemas rather than writing them by hand
//! means a field added to a record type reaches every export format.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::{Number, Value};

use crate::error::{Error, Result};
use crate::model::{Collection, REF_KEYWORD, Record};
use crate::schema;
use crate::schema::follow_ref as resolve;

/// The type of a column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The column name.
    pub name: String,
    /// The type of its values.
    pub kind: ColumnType,
    /// Whether every row has a value.
    pub required: bool,
    /// What the column holds.
    pub description: String,
    /// The allowed values, for an enumeration.
    pub values: Vec<String>,
    /// The schema's `pattern`, `minLength`, `maxLength`, `minimum` and
    /// `maximum` of the value, by keyword.
    pub constraints: BTreeMap<&'static str, Value>,
    /// The collection a reference column points into.
    pub references: Option<Collection>,
    /// Where the value sits below the row's JSON object; `None` for key columns.
    path: Option<Vec<String>>,
}

impl Column {
    /// A column of values read by hand rather than from the schema.
    pub fn new(name: &str, kind: ColumnType, required: bool, description: &str) -> Column {
        Column {
            name: name.to_string(),
            kind,
            required,
            description: description.to_string(),
            values: Vec::new(),
            constraints: BTreeMap::new(),
            references: None,
            path: None,
        }
    }
}

/// A foreign key: `columns` of one table name `target` columns of `table`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub table: String,
    /// The referenced columns, the target's primary key.
    pub target: Vec<String>,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value.
    Null,
    /// Text.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A number as the record gives it.
    Number(Number),
    /// A truth value.
    Boolean(bool),
}

impl Cell {
    /// The cell as CSV text: empty for no value.
    pub fn to_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Null => "".into(),
            Cell::Text(s) => s.as_str().into(),
            Cell::Integer(i) => i.to_string().into(),
            Cell::Number(n) => n.to_string().into(),
            Cell::Boolean(b) => b.to_string().into(),
        }
    }
}

/// Where a row comes from: the record's index in the dataset and the JSON
/// pointer of the row's object or item inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Index of the record file in `Dataset::files`.
    pub file: usize,
    /// JSON pointer of the row's object (or array item) in the record.
    pub pointer: String,
}

/// One table with its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The table name, such as `partnerships_parties`.
    pub name: String,
    /// What a row is.
    pub description: String,
    /// The collection the table's rows come from; `None` for the
    /// `statements` table, whose rows come from every collection.
    pub collection: Option<Collection>,
    /// The columns, keys first.
    pub columns: Vec<Column>,
    /// The primary key columns.
    pub primary_key: Vec<String>,
    /// The foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// The rows, in record order then item order.
    pub rows: Vec<Vec<Cell>>,
    /// Where each row comes from, aligned with `rows`.
    pub origins: Vec<Origin>,
}

impl Table {
    /// Whether this is a collection's main table (one row per record).
    pub fn is_main(&self) -> bool {
        self.primary_key == ["id"]
    }

    /// The JSON pointer of column `column`'s value in row `row`, if it comes from the record.
    pub fn pointer(&self, row: usize, column: usize) -> Option<String> {
        let path = self.columns[column].path.as_ref()?;
        let mut pointer = self.origins[row].pointer.clone();
        for segment in path {
            pointer.push('/');
            pointer.push_str(&crate::span::escape(segment));
        }
        Some(pointer)
    }
}

/// Every table of the dataset, in collection order, each followed by its children.
#[derive(Debug, Clone, PartialEq)]
pub struct Tables {
    /// The tables.
    pub tables: Vec<Table>,
}

impl Tables {
    /// Adds the rows of `part`'s tables to the tables of the same names; an
    /// error for a table it does not have.
    pub fn append(&mut self, part: Vec<Table>) -> Result<()> {
        for mut table in part {
            let Some(whole) = self.tables.iter_mut().find(|t| t.name == table.name) else {
                return Err(Error::Other(format!(
                    "table `{}` is not among the export's tables",
                    table.name
                )));
            };
            whole.rows.append(&mut table.rows);
            whole.origins.append(&mut table.origins);
        }
        Ok(())
    }
}

/// How one table's rows are read from a JSON object.
#[derive(Debug)]
struct Plan {
    table: usize,
    children: Vec<Child>,
}

/// An array below a table's object, which fills a child table.
#[derive(Debug)]
struct Child {
    path: Vec<String>,
    /// For arrays of scalars, the item is the single value column.
    scalar_items: bool,
    plan: Plan,
}

/// The empty tables of every collection and how to fill them.
pub struct Layout {
    tables: Vec<Table>,
    /// For each table, what one of its rows is called in key column names:
    /// `partnership` for `partnerships`, `offer` for `partnerships_offers`.
    items: Vec<String>,
    plans: Vec<(Collection, Plan)>,
    /// The rank of each field of the collection being laid out, by its path
    /// in the record without list indices (`/sources/quote`): the type's
    /// field order, as canonical records and `techpact new` write it.
    order: HashMap<String, usize>,
}

/// The type's field order of `collection`, from the skeleton `techpact new`
/// writes, which holds every field in canonical order.
fn field_order(collection: Collection) -> HashMap<String, usize> {
    let skeleton = crate::new::skeleton(collection, "x");
    let mut order = HashMap::from([("/id".to_string(), 0)]);
    for placeholder in skeleton.placeholders {
        let path: Vec<&str> = placeholder
            .pointer
            .split('/')
            .filter(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()))
            .collect();
        // An object or list ranks where its first member does.
        for end in 1..=path.len() {
            let next = order.len();
            order
                .entry(format!("/{}", path[..end].join("/")))
                .or_insert(next);
        }
    }
    order
}

/// The table name of a collection.
pub fn table_name(collection: Collection) -> String {
    collection.dir_name().replace('-', "_")
}

/// The name of one record of a collection, for key columns.
fn singular_of(collection: Collection) -> &'static str {
    match collection {
        Collection::Organizations => "organization",
        Collection::People => "person",
        Collection::Places => "place",
        Collection::Partnerships => "partnership",
        Collection::Labs => "lab",
        Collection::TalentPrograms => "talent_program",
        Collection::Products => "product",
        Collection::Events => "event",
        Collection::Series => "series",
        Collection::Facts => "fact",
        Collection::Sources => "source",
    }
}

/// The singular of a field name that names a list: `parties` → `party`.
fn singular(field: &str) -> String {
    if let Some(stem) = field.strip_suffix("ies") {
        format!("{stem}y")
    } else if field.ends_with("sses") || field.ends_with("ases") {
        field[..field.len() - 2].to_string()
    } else if field.ends_with("us") || field.ends_with("ss") {
        field.to_string()
    } else {
        field.strip_suffix('s').unwrap_or(field).to_string()
    }
}

fn snake(name: &str) -> String {
    name.replace('-', "_")
}

fn description(root: &Value, node: &Value) -> String {
    node.get("description")
        .or_else(|| resolve(root, node).get("description"))
        .and_then(Value::as_str)
        .and_then(|d| d.lines().next())
        .unwrap_or_default()
        .to_string()
}

/// The properties and required names of an object schema; a `oneOf` of
/// objects gives the union of its forms' properties (each `const` tag
/// becoming an enumeration) and the names every form requires.
fn members(root: &Value, node: &Value) -> (BTreeMap<String, Value>, BTreeSet<String>) {
    let node = resolve(root, node);
    let required_of = |n: &Value| -> BTreeSet<String> {
        n.get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    if let Some(branches) = node.get("oneOf").and_then(Value::as_array) {
        let mut properties: BTreeMap<String, Value> = BTreeMap::new();
        let mut required: Option<BTreeSet<String>> = None;
        for branch in branches {
            let branch = resolve(root, branch);
            for (name, schema) in branch
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                // A tag (`const`) becomes an enumeration of every form's tag.
                let entry = properties.entry(name.clone()).or_insert_with(|| {
                    let mut s = schema.clone();
                    if let Some(map) = s.as_object_mut()
                        && map.remove("const").is_some()
                    {
                        map.insert("enum".into(), Value::Array(Vec::new()));
                        map.entry("description").or_insert_with(|| {
                            Value::from("Which of the forms the value takes; it says which other columns hold it.")
                        });
                    }
                    s
                });
                if let (Some(c), Some(Value::Array(values))) =
                    (schema.get("const"), entry.get_mut("enum"))
                {
                    values.push(c.clone());
                }
            }
            let r = required_of(branch);
            required = Some(match required {
                None => r,
                Some(all) => all.intersection(&r).cloned().collect(),
            });
        }
        return (properties, required.unwrap_or_default());
    }
    let properties = node
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    (properties, required_of(node))
}

/// What a property's schema holds.
enum Shape {
    Scalar(ColumnType),
    Object,
    Array,
}

fn shape(root: &Value, node: &Value) -> Result<Shape> {
    let node = resolve(root, node);
    if node.get("oneOf").is_some() {
        return Ok(Shape::Object);
    }
    match node.get("type").and_then(Value::as_str) {
        Some("string") => Ok(Shape::Scalar(ColumnType::String)),
        Some("integer") => Ok(Shape::Scalar(ColumnType::Integer)),
        Some("number") => Ok(Shape::Scalar(ColumnType::Number)),
        Some("boolean") => Ok(Shape::Scalar(ColumnType::Boolean)),
        Some("object") => Ok(Shape::Object),
        Some("array") => Ok(Shape::Array),
        _ if node.get("enum").is_some() => Ok(Shape::Scalar(ColumnType::String)),
        other => Err(Error::Other(format!(
            "the schema has a property of type {other:?}, which the export does not map to a column"
        ))),
    }
}

fn enum_values(root: &Value, node: &Value) -> Vec<String> {
    resolve(root, node)
        .get("enum")
        .or_else(|| node.get("enum"))
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The value constraints of a scalar's schema that a table schema can carry too.
fn constraints(root: &Value, node: &Value) -> BTreeMap<&'static str, Value> {
    let node = resolve(root, node);
    ["pattern", "minLength", "maxLength", "minimum", "maximum"]
        .into_iter()
        .filter_map(|k| Some((k, node.get(k)?.clone())))
        .collect()
}

fn reference(root: &Value, node: &Value) -> Option<Collection> {
    resolve(root, node)
        .get(REF_KEYWORD)
        .and_then(Value::as_str)
        .and_then(Collection::from_dir_name)
}

impl Layout {
    /// The tables laid out from the generated schemas.
    pub fn new() -> Result<Layout> {
        let mut layout = Layout {
            tables: Vec::new(),
            items: Vec::new(),
            plans: Vec::new(),
            order: HashMap::new(),
        };
        for collection in Collection::ALL {
            let root = schema::generate(collection);
            let name = table_name(collection);
            let index = layout.add_table(
                singular_of(collection).to_string(),
                Table {
                    name: name.clone(),
                    description: format!(
                        "One row per `{collection}` record. {}",
                        description(&root, &root)
                    ),
                    collection: Some(collection),
                    columns: Vec::new(),
                    primary_key: vec!["id".into()],
                    foreign_keys: Vec::new(),
                    rows: Vec::new(),
                    origins: Vec::new(),
                },
            );
            let mut plan = Plan {
                table: index,
                children: Vec::new(),
            };
            layout.order = field_order(collection);
            layout.flatten(&root, &root, "", &[], &[], true, &mut plan)?;
            layout.plans.push((collection, plan));
        }
        for table in &layout.tables {
            let mut seen = HashSet::new();
            if let Some(c) = table.columns.iter().find(|c| !seen.insert(&c.name)) {
                return Err(Error::Other(format!(
                    "export table `{}` would have two `{}` columns",
                    table.name, c.name
                )));
            }
        }
        Ok(layout)
    }

    fn add_table(&mut self, item: String, table: Table) -> usize {
        self.items.push(item);
        self.tables.push(table);
        self.tables.len() - 1
    }

    /// Adds the members of the object schema `node` to `plan`'s table: scalars
    /// as columns named `prefix` + member, objects flattened, arrays as child tables.
    #[allow(clippy::too_many_arguments)]
    fn flatten(
        &mut self,
        root: &Value,
        node: &Value,
        prefix: &str,
        base: &[String],
        path: &[String],
        required: bool,
        plan: &mut Plan,
    ) -> Result<()> {
        let (properties, required_names) = members(root, node);
        // The type's field order; members of other forms of a `oneOf` than
        // the skeleton's follow, by name.
        // A form's tag (`type` in a `oneOf`) comes first, where the object does.
        let tagged = resolve(root, node).get("oneOf").is_some();
        let rank = |name: &str| {
            let mut full: Vec<&str> = base.iter().chain(path).map(String::as_str).collect();
            if !(tagged && name == "type") {
                full.push(name);
            }
            self.order
                .get(&format!("/{}", full.join("/")))
                .copied()
                .unwrap_or(usize::MAX)
        };
        let mut names: Vec<&String> = properties.keys().collect();
        names.sort_by_key(|n| (rank(n), n.as_str()));
        for name in names {
            let property = &properties[name];
            let member_required = required && required_names.contains(name);
            let mut member_path = path.to_vec();
            member_path.push(name.clone());
            match shape(root, property)? {
                Shape::Scalar(kind) => {
                    let references = reference(root, property);
                    let column = match references {
                        Some(_) => format!("{prefix}{}_id", snake(name)),
                        None => format!("{prefix}{}", snake(name)),
                    };
                    self.tables[plan.table].columns.push(Column {
                        name: column,
                        kind,
                        required: member_required,
                        description: description(root, property),
                        values: enum_values(root, property),
                        constraints: constraints(root, property),
                        references,
                        path: Some(member_path),
                    });
                }
                Shape::Object => {
                    let nested_prefix = format!("{prefix}{}_", snake(name));
                    self.flatten(
                        root,
                        property,
                        &nested_prefix,
                        base,
                        &member_path,
                        member_required,
                        plan,
                    )?;
                }
                Shape::Array => {
                    let field = format!("{prefix}{}", snake(name));
                    let at: Vec<String> = base.iter().chain(&member_path).cloned().collect();
                    let child = self.child(root, property, &field, plan.table, &at)?;
                    plan.children.push(Child {
                        path: member_path,
                        scalar_items: child.1,
                        plan: child.0,
                    });
                }
            }
        }
        Ok(())
    }

    /// A child table for the array field `field` of table `parent`; returns
    /// its plan and whether its items are scalars. `at` is the array's path
    /// in the record, without list indices.
    fn child(
        &mut self,
        root: &Value,
        array: &Value,
        field: &str,
        parent: usize,
        at: &[String],
    ) -> Result<(Plan, bool)> {
        let parent_table = &self.tables[parent];
        let parent_item = &self.items[parent];
        let collection = parent_table.collection;
        let name = format!("{}_{field}", parent_table.name);
        // Key columns: the parent's primary key, renamed to say whose it is.
        let mut keys = Vec::new();
        for key in &parent_table.primary_key {
            let renamed = match key.as_str() {
                "id" | "position" => format!("{parent_item}_{key}"),
                other => other.to_string(),
            };
            let mut column = parent_table
                .columns
                .iter()
                .find(|c| &c.name == key)
                .cloned()
                .unwrap_or_else(|| unreachable!("a primary key names a column"));
            column.name = renamed;
            column.required = true;
            column.values.clear();
            column.references = None;
            column.path = None;
            column.description = format!(
                "Key of the `{}` row this item belongs to.",
                parent_table.name
            );
            keys.push(column);
        }
        let foreign_key = ForeignKey {
            columns: keys.iter().map(|c| c.name.clone()).collect(),
            table: parent_table.name.clone(),
            target: parent_table.primary_key.clone(),
        };
        let mut columns = keys;
        columns.push(Column {
            name: "position".into(),
            kind: ColumnType::Integer,
            required: true,
            description: "The item's place in the list, from 1.".into(),
            values: Vec::new(),
            constraints: BTreeMap::from([("minimum", Value::from(1))]),
            references: None,
            path: None,
        });
        let primary_key = columns.iter().map(|c| c.name.clone()).collect();
        let items = array.get("items").map_or(&Value::Null, |i| i);
        let index = self.add_table(
            singular(field),
            Table {
                name,
                description: format!(
                    "One row per item of `{field}` in `{}`: {}",
                    self.tables[parent].name,
                    description(root, array)
                ),
                collection,
                columns,
                primary_key,
                foreign_keys: vec![foreign_key],
                rows: Vec::new(),
                origins: Vec::new(),
            },
        );
        let mut plan = Plan {
            table: index,
            children: Vec::new(),
        };
        match shape(root, items)? {
            Shape::Scalar(kind) => {
                let references = reference(root, items);
                // One rule for every reference column: the field's name
                // (singular for a list item) followed by `_id`.
                let name = match references {
                    Some(_) => format!("{}_id", singular(field)),
                    None => singular(field),
                };
                self.tables[index].columns.push(Column {
                    name,
                    kind,
                    required: true,
                    description: description(root, array),
                    values: enum_values(root, items),
                    constraints: constraints(root, items),
                    references,
                    path: Some(Vec::new()),
                });
                Ok((plan, true))
            }
            Shape::Object => {
                self.flatten(root, items, "", at, &[], true, &mut plan)?;
                Ok((plan, false))
            }
            Shape::Array => Err(Error::Other(format!(
                "`{field}` is a list of lists, which the export does not map to a table"
            ))),
        }
    }
}

/// Every collection's tables, filled with the rows of `records` (aligned
/// with the dataset's files; `None` entries are skipped).
pub fn tables(records: &[Option<Record>]) -> Result<Tables> {
    let layout = Layout::new()?;
    let mut tables = Vec::new();
    for collection in Collection::ALL {
        tables.extend(layout.filled(collection, records)?);
    }
    Ok(Tables { tables })
}

impl Layout {
    /// Every collection's tables without rows, in collection order, each
    /// followed by its children.
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// The tables of `collection`, filled with the rows of its records among
    /// `records` (aligned with the dataset's files), in record order.
    pub fn filled(&self, collection: Collection, records: &[Option<Record>]) -> Result<Vec<Table>> {
        let Some(k) = self.plans.iter().position(|(c, _)| *c == collection) else {
            return Ok(Vec::new());
        };
        let plan = &self.plans[k].1;
        // A collection's tables are laid out together, its own first.
        let end = self
            .plans
            .get(k + 1)
            .map_or(self.tables.len(), |(_, next)| next.table);
        let mut tables = self.tables.clone();
        for (file, record) in records.iter().enumerate() {
            let Some(record) = record.as_ref().filter(|r| r.collection() == collection) else {
                continue;
            };
            let value = serde_json::to_value(record)
                .map_err(|e| Error::Other(format!("a record does not serialize: {e}")))?;
            fill(&mut tables, plan, &value, &[], file, String::new(), None);
        }
        Ok(tables.drain(plan.table..end).collect())
    }
}

/// Adds the row of `object` (and its children's rows) to `plan`'s table.
fn fill(
    tables: &mut [Table],
    plan: &Plan,
    object: &Value,
    keys: &[Cell],
    file: usize,
    pointer: String,
    position: Option<usize>,
) {
    let table = &mut tables[plan.table];
    let mut row: Vec<Cell> = keys.to_vec();
    if let Some(p) = position {
        row.push(Cell::Integer(i64::try_from(p + 1).unwrap_or(i64::MAX)));
    }
    for column in &table.columns[row.len()..] {
        let value = column
            .path
            .as_ref()
            .and_then(|path| path.iter().try_fold(object, |v, segment| v.get(segment)));
        row.push(cell(value, column));
    }
    let own_keys: Vec<Cell> = row[..table.primary_key.len()].to_vec();
    table.rows.push(row);
    table.origins.push(Origin {
        file,
        pointer: pointer.clone(),
    });
    for child in &plan.children {
        let items = child
            .path
            .iter()
            .try_fold(object, |v, segment| v.get(segment))
            .and_then(Value::as_array);
        let mut base = pointer.clone();
        for segment in &child.path {
            base.push('/');
            base.push_str(&crate::span::escape(segment));
        }
        for (i, item) in items.into_iter().flatten().enumerate() {
            let item_pointer = format!("{base}/{i}");
            if child.scalar_items {
                let table = &mut tables[child.plan.table];
                let mut row = own_keys.clone();
                row.push(Cell::Integer(i64::try_from(i + 1).unwrap_or(i64::MAX)));
                let column = table
                    .columns
                    .last()
                    .unwrap_or_else(|| unreachable!("an item column"));
                row.push(cell(Some(item), column));
                table.rows.push(row);
                table.origins.push(Origin {
                    file,
                    pointer: item_pointer,
                });
            } else {
                fill(
                    tables,
                    &child.plan,
                    item,
                    &own_keys,
                    file,
                    item_pointer,
                    Some(i),
                );
            }
        }
    }
}

/// The cell for `value` in `column`; an absent boolean is `false`, the
/// default every boolean field of the model has.
fn cell(value: Option<&Value>, column: &Column) -> Cell {
    match (value, column.kind) {
        (None | Some(Value::Null), ColumnType::Boolean) => Cell::Boolean(false),
        (None | Some(Value::Null), _) => Cell::Null,
        (Some(Value::Bool(b)), _) => Cell::Boolean(*b),
        (Some(Value::Number(n)), ColumnType::Integer) => n
            .as_i64()
            .map_or_else(|| Cell::Number(n.clone()), Cell::Integer),
        (Some(Value::Number(n)), _) => Cell::Number(n.clone()),
        (Some(Value::String(s)), _) => Cell::Text(s.clone()),
        (Some(other), _) => Cell::Text(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singulars() {
        for (plural, one) in [
            ("parties", "party"),
            ("aliases", "alias"),
            ("witnesses", "witness"),
            ("focus", "focus"),
            ("sources", "source"),
            ("bodies", "body"),
            ("expected_impacts", "expected_impact"),
        ] {
            assert_eq!(singular(plural), one);
        }
    }

    #[test]
    fn every_collection_has_a_layout_with_unique_columns_and_keys() {
        let layout = Layout::new().unwrap();
        let names: HashSet<&str> = layout.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names.len(), layout.tables.len(), "table names are unique");
        for table in &layout.tables {
            for key in &table.primary_key {
                assert!(
                    table.columns.iter().any(|c| &c.name == key),
                    "{}: {key}",
                    table.name
                );
            }
            for fk in &table.foreign_keys {
                assert!(names.contains(fk.table.as_str()), "{}", fk.table);
            }
        }
        let parties = layout
            .tables
            .iter()
            .find(|t| t.name == "partnerships_parties")
            .unwrap();
        let columns: Vec<&str> = parties.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            columns,
            ["partnership_id", "position", "organization_id", "place_id"]
        );
        let founders = layout
            .tables
            .iter()
            .find(|t| t.name == "organizations_founders")
            .unwrap();
        let columns: Vec<&str> = founders.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(columns, ["organization_id", "position", "founder_id"]);
        let benefits = layout
            .tables
            .iter()
            .find(|t| t.name == "partnerships_offers_benefits")
            .unwrap();
        let columns: Vec<&str> = benefits.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            columns,
            ["partnership_id", "offer_position", "position", "benefit"]
        );
    }
}
