//! The top-level members of a typed record as JSON, only those a caller
//! picks: the rest are never turned into JSON at all.
//!
//! A record serializes as a struct, field by field, and a field left out
//! (`skip_serializing_if`) is no member; so a serializer that takes only
//! `serialize_struct` sees exactly the members of the record's JSON.

use serde::Serialize;
use serde::ser::{Error as _, Impossible, SerializeStruct, Serializer};
use serde_json::{Error, Map, Value};

use crate::model::Record;

/// The members of `record` whose names `pick` accepts, as `serde_json`
/// writes them, in the record's member order.
pub fn picked(record: &Record, pick: impl Fn(&str) -> bool) -> Value {
    match record.serialize(Picker(&pick)) {
        Ok(map) => Value::Object(map),
        // A record is always a struct; were one ever to serialize otherwise,
        // all of it, with the same members picked.
        Err(_) => match serde_json::to_value(record) {
            Ok(Value::Object(mut map)) => {
                map.retain(|k, _| pick(k));
                Value::Object(map)
            }
            _ => Value::Object(Map::new()),
        },
    }
}

/// A serializer of one struct that keeps the fields `0` accepts.
struct Picker<'p, P>(&'p P);

/// The members kept so far.
struct Members<'p, P> {
    pick: &'p P,
    map: Map<String, Value>,
}

impl<P: Fn(&str) -> bool> SerializeStruct for Members<'_, P> {
    type Ok = Map<String, Value>;
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        if (self.pick)(key) {
            self.map.insert(
                key.to_string(),
                value.serialize(serde_json::value::Serializer)?,
            );
        }
        Ok(())
    }

    fn end(self) -> Result<Map<String, Value>, Error> {
        Ok(self.map)
    }
}

/// The error for anything but a struct.
fn not_a_struct<T>() -> Result<T, Error> {
    Err(Error::custom("a record serializes as a struct"))
}

impl<'p, P: Fn(&str) -> bool> Serializer for Picker<'p, P> {
    type Ok = Map<String, Value>;
    type Error = Error;
    type SerializeSeq = Impossible<Self::Ok, Error>;
    type SerializeTuple = Impossible<Self::Ok, Error>;
    type SerializeTupleStruct = Impossible<Self::Ok, Error>;
    type SerializeTupleVariant = Impossible<Self::Ok, Error>;
    type SerializeMap = Impossible<Self::Ok, Error>;
    type SerializeStruct = Members<'p, P>;
    type SerializeStructVariant = Impossible<Self::Ok, Error>;

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Members<'p, P>, Error> {
        Ok(Members {
            pick: self.0,
            map: Map::with_capacity(len),
        })
    }

    fn serialize_bool(self, _: bool) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_i8(self, _: i8) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_i16(self, _: i16) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_i32(self, _: i32) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_i64(self, _: i64) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_u8(self, _: u8) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_u16(self, _: u16) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_u32(self, _: u32) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_u64(self, _: u64) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_f32(self, _: f32) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_f64(self, _: f64) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_char(self, _: char) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_str(self, _: &str) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_none(self) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_unit(self) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, Error> {
        not_a_struct()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        not_a_struct()
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        not_a_struct()
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        not_a_struct()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        not_a_struct()
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        not_a_struct()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        not_a_struct()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Collection;

    fn acme() -> Record {
        let json = r#"{"id": "acme", "name": "Acme", "kind": "company", "aliases": ["ACME"],
                       "sources": [{"source": "s", "quote": "Acme"}]}"#;
        Record::from_value(
            Collection::Organizations,
            &serde_json::from_str(json).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn every_member_picked_is_the_records_json() {
        let r = acme();
        assert_eq!(picked(&r, |_| true), serde_json::to_value(&r).unwrap());
    }

    #[test]
    fn members_left_out_are_not_in_it_and_the_order_stays() {
        let r = acme();
        let value = picked(&r, |k| k != "name" && k != "sources");
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut whole = serde_json::to_value(&r).unwrap();
        whole
            .as_object_mut()
            .unwrap()
            .retain(|k, _| k != "name" && k != "sources");
        assert_eq!(value, whole);
        assert!(
            keys.contains(&"aliases") && !keys.contains(&"name"),
            "{keys:?}"
        );
    }
}
