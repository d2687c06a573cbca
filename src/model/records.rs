//! The record types, one per collection.
//!
//! These types are the single source of truth for the data: the schemas in
//! `schema/` are generated from them, and canonical formatting writes fields
//! in the order they are declared here. Every struct rejects unknown fields.
//! A relationship is stored once, on the side that names the other (a lab
//! names its partnership; a partnership does not list its labs).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{
    Citation, CountryCode, Field, Inference, Language, Name, OrganizationIdentifiers, PartialDate,
    PersonIdentifiers, Quote, Sha256, Text, Url, WikidataIdentifiers,
};
use super::ids::{
    EventId, FactId, LabId, OrganizationId, PartnershipId, PersonId, PlaceId, ProductId, RecordId,
    SeriesId, SourceId, TalentProgramId,
};
use super::lifecycle::Withdrawal;

fn is_false(b: &bool) -> bool {
    !*b
}

/// What kind of body an organization is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OrganizationKind {
    /// A university or other degree-granting institution.
    University,
    /// A company or corporate group.
    Company,
    /// A government body or department.
    Government,
    /// A research institute, centre or national laboratory.
    ResearchInstitute,
    /// An alliance, consortium or association of organizations.
    Alliance,
    /// A committee or other governing body.
    Committee,
    /// A publisher, news outlet or wire service.
    Media,
    /// Anything else; say what in `note`.
    Other,
}

/// What is wrong or unclear about words a source uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReadingIssue {
    /// A slip of translation, such as one university's abbreviation written for another's.
    TranslationSlip,
    /// Words broken or run together, such as by a stray full stop.
    Garbled,
    /// Words that may not name what they seem to, such as a heading that reads like a company's name.
    Ambiguous,
}

/// Words of a source that are a slip or ambiguous: the record keeps them as
/// the source has them, and the reading says what they most likely mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reading {
    /// The words as the source has them.
    pub as_written: Name,
    /// What is wrong or unclear about them.
    pub issue: ReadingIssue,
    /// The words they most likely stand for, where they can be given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likely: Option<Name>,
    /// The record they most likely mean.
    pub means: Subject,
}

/// A university, company, government body, institute or alliance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// The record id; equal to the file name without `.json`.
    pub id: RecordId,
    /// The full name as the sources give it.
    pub name: Name,
    /// Set when the record is withdrawn: it stays, so its id keeps resolving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Box<Withdrawal<OrganizationId>>>,
    /// Other names and abbreviations the sources use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Name>,
    /// What kind of body it is.
    pub kind: OrganizationKind,
    /// The organization it is part of or wholly owned by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<OrganizationId>,
    /// The organizations that founded or established it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub founders: Vec<OrganizationId>,
    /// When it was founded, established or unveiled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founded: Option<PartialDate>,
    /// When it ceased to exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dissolved: Option<PartialDate>,
    /// Where it is based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<PlaceId>,
    /// What it focuses on, in the sources' terms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub focus: Vec<Text>,
    /// Technology fields it works in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// Identifiers in public registries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifiers: Option<OrganizationIdentifiers>,
    /// Words of the sources about it that are a slip or ambiguous, and what they most likely mean.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<Reading>,
    /// The sources that support this record.
    #[serde(default)]
    pub sources: Vec<Citation>,
    /// Values no source states but an editor derived, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<Inference>,
    /// A remark for readers: an ambiguity, a slip in a source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// A position a person holds at an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// The organization.
    pub organization: OrganizationId,
    /// The title as the source gives it, such as "President".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Name>,
    /// Whether the person leads the organization ("led by").
    #[serde(default, skip_serializing_if = "is_false")]
    pub leads: bool,
    /// When the role began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    /// When the role ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    /// The date of the source that reports the role as held, when no start is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<PartialDate>,
}

/// A person named in a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// The record id; equal to the file name without `.json`.
    pub id: RecordId,
    /// The name as the sources write it, in their order of family and given name.
    pub name: Name,
    /// Set when the record is withdrawn: it stays, so its id keeps resolving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Box<Withdrawal<PersonId>>>,
    /// The family name, where the sources' order of names makes it known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<Name>,
    /// The given name, where the sources' order of names makes it known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<Name>,
    /// The honorific the sources use, such as "Prof." or "Ms.".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific: Option<Name>,
    /// Other spellings or forms of the name in the sources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Name>,
    /// Positions held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// Identifiers in public registries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifiers: Option<PersonIdentifiers>,
    /// The sources that support this record.
    #[serde(default)]
    pub sources: Vec<Citation>,
    /// Values no source states but an editor derived, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<Inference>,
    /// A remark for readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// What kind of place it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PlaceKind {
    /// A sovereign country.
    Country,
    /// A region spanning several administrative units, such as the Greater Bay Area.
    Region,
    /// A province, state or special administrative region.
    Province,
    /// A city or municipality.
    City,
    /// A district or zone within a city.
    District,
    /// A street or road.
    Street,
    /// A campus, park or building.
    Site,
}

/// A country, region, city, district, street or site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// The record id; equal to the file name without `.json`.
    pub id: RecordId,
    /// The name as the sources give it.
    pub name: Name,
    /// Set when the record is withdrawn: it stays, so its id keeps resolving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Box<Withdrawal<PlaceId>>>,
    /// Other names the sources use, such as a nickname.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Name>,
    /// What kind of place it is.
    pub kind: PlaceKind,
    /// The place it lies within.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<PlaceId>,
    /// The ISO 3166-1 alpha-2 code of its country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    /// Identifiers in public registries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifiers: Option<WikidataIdentifiers>,
    /// The sources that support this record.
    #[serde(default)]
    pub sources: Vec<Citation>,
    /// Values no source states but an editor derived, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<Inference>,
    /// A remark for readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// What kind of partnership it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PartnershipKind {
    /// A signed strategic cooperation agreement.
    StrategicCooperation,
    /// A standing alliance or research consortium.
    Alliance,
    /// Joint research or development without a named agreement.
    JointResearch,
}

/// A party to a partnership: an organization, or a place (a province, a
/// city) that a source names as acting as one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Party {
    /// An organization.
    Organization(OrganizationId),
    /// A place acting as a party, such as a province through its government.
    Place(PlaceId),
}

/// A person who signed or witnessed an agreement, on behalf of an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    /// The person.
    pub person: PersonId,
    /// The organization they acted for.
    pub organization: OrganizationId,
    /// Their title at the time, as the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Name>,
}

/// A named framework that structures a partnership, such as "1+2+1".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// The framework's name as the source gives it.
    pub name: Name,
    /// What its parts are, as the source spells them out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expansion: Option<Text>,
    /// The governing bodies it sets up, such as a joint management committee.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bodies: Vec<Name>,
}

/// What a partnership offers one of its parties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    /// The party, when the source names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<Name>,
    /// The benefits listed for that party.
    pub benefits: Vec<Text>,
}

/// An agreement, alliance or collaboration between organizations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Partnership {
    /// The record id; equal to the file name without `.json`.
    pub id: RecordId,
    /// The partnership's name, or a plain description of it.
    pub name: Name,
    /// Set when the record is withdrawn: it stays, so its id keeps resolving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Box<Withdrawal<PartnershipId>>>,
    /// Other names the sources use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Name>,
    /// What kind of partnership it is.
    pub kind: PartnershipKind,
    /// The organizations, or places acting as parties, that are party to it.
    pub parties: Vec<Party>,
    /// When it was signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<PartialDate>,
    /// The latest date it can have been signed, when the sources give no
    /// signing date but say it was signed by then (a text dated that day that
    /// says "signed recently").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_on_or_before: Option<PartialDate>,
    /// When it was announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced: Option<PartialDate>,
    /// When it began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    /// When it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    /// The people who signed the agreement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signatories: Vec<Participant>,
    /// The people who witnessed the signing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub witnesses: Vec<Participant>,
    /// The framework that structures it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<Framework>,
    /// What it aims to do, in the sources' terms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aims: Vec<Text>,
    /// Its stated goals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<Text>,
    /// Research clusters or programmes it runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<Name>,
    /// What it offers each party.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offers: Vec<Offer>,
    /// Areas it is expected to affect.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expected_impacts: Vec<Name>,
    /// Technology fields it covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// The regions it serves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<PlaceId>,
    /// Words of the sources about it that are a slip or ambiguous, and what they most likely mean.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<Reading>,
    /// The sources that support this record.
    #[serde(default)]
    pub sources: Vec<Citation>,
    /// Values no source states but an editor derived, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<Inference>,
    /// A remark for readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// A laboratory or research centre set up by one or more organizations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lab {
    /// The record id; equal to the file name without `.json`.
    pub id: RecordId,
    /// The lab's name.
    pub name: Name,
    /// Set when the record is withdrawn: it stays, so its id keeps resolving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Box<Withdrawal<LabId>>>,
    /// Other names the sources use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Name>,
    /// The organizations that host or run it.
    pub hosts: Vec<OrganizationId>,
    /// The partnership it was set up under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partnership: Option<PartnershipId>,
    /// When it was announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced: Option<PartialDate>,
    /// When it was established.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub established: Option<PartialDate>,
    /// When it closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<PartialDate>,
    /// What it works on, in the sources' terms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub focus: Vec<Text>,
    /// Technology fields it works in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// The sources that support this record.
    #[serde(default)]
    pub sources: Vec<Citation>,
    /// Values no source states but an editor derived, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<Inference>,
    /// A remark for readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// A programme that trains or places people, with its initiatives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TalentProgram {
    /// The record id; equal to the file name without `.json`.
    pub id: RecordId,
    /// The programme's name.
    pub name: Name,
    /// Set when the record is withdrawn: it stays, so its id keeps resolving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Box<Withdrawal<TalentProgramId>>>,
    /// Other names the sources use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Name>,
    /// The organizations that run it.
    pub hosts: Vec<OrganizationId>,
    /// The partnership it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partnership: Option<PartnershipId>,
    /// When it was announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced: Option<PartialDate>,
    /// The initiatives it comprises, as the sources name them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initiatives: Vec<Name>,
    /// What it aims to do, in the sources' terms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aims: Vec<Text>,
    /// The regions whose talent pool it serves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<PlaceId>,
    /// The sources that support this record.
    #[serde(default)]
    pub sources: Vec<Citation>,
    /// Values no source states but an editor derived, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<Inference>,
    /// A remark for readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// A conference, ceremony or other dated gathering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The record id; equal to the file name without `.json`.
    pub id: RecordId,
    /// The event's name.
    pub name: Name,
    /// Set when the record is withdrawn: it stays, so its id keeps resolving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Box<Withdrawal<EventId>>>,
    /// The recurring series it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<SeriesId>,
    /// Its edition number within the series.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::common::whole_number"
    )]
    #[schemars(range(min = 1))]
    pub edition: Option<u32>,
    /// The first day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    /// The last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    /// Where it takes place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<PlaceId>,
    /// The organizations that host it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<OrganizationId>,
    /// The organizations that organize it, where the sources distinguish them from hosts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organizers: Vec<OrganizationId>,
    /// Its theme, as the source words it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<Name>,
    /// What happens there: forums, lectures, exhibitions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<Text>,
    /// Technology fields it covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// The sources that support this record.
    #[serde(default)]
    pub sources: Vec<Citation>,
    /// Values no source states but an editor derived, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<Inference>,
    /// A remark for readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// A recurring event, such as an annual conference; its editions are events
/// that name it as their `series`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Series {
    /// The record id; equal to the file name without `.json`.
    pub id: RecordId,
    /// The series' name, without an edition's year or number.
    pub name: Name,
    /// Set when the record is withdrawn: it stays, so its id keeps resolving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Box<Withdrawal<SeriesId>>>,
    /// Other names the sources use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Name>,
    /// When the first edition was held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_held: Option<PartialDate>,
    /// Where its editions are held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<PlaceId>,
    /// Technology fields it covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// The sources that support this record.
    #[serde(default)]
    pub sources: Vec<Citation>,
    /// Values no source states but an editor derived, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<Inference>,
    /// A remark for readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// What kind of offering a product is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProductKind {
    /// A product: a device, an application, a piece of software.
    Product,
    /// A service sold to users, such as a calling service.
    Service,
    /// An industry solution combining products and services.
    Solution,
    /// A network built and operated for users.
    Network,
    /// A component built into other products, such as a module.
    Component,
}

/// A product, service or solution an organization offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// The record id; equal to the file name without `.json`.
    pub id: RecordId,
    /// The name or label as the sources give it.
    pub name: Name,
    /// Set when the record is withdrawn: it stays, so its id keeps resolving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Box<Withdrawal<ProductId>>>,
    /// Other names or labels the sources use for the same thing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Name>,
    /// What kind of offering it is.
    pub kind: ProductKind,
    /// The organizations that offer it.
    pub owners: Vec<OrganizationId>,
    /// When it was launched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launched: Option<PartialDate>,
    /// Technology fields it belongs to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// Words of the sources' label for it that are garbled, a slip or ambiguous, and what they most likely mean.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<Reading>,
    /// The sources that support this record.
    #[serde(default)]
    pub sources: Vec<Citation>,
    /// Values no source states but an editor derived, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<Inference>,
    /// A remark for readers: labels that may name the same thing, a garbled label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// What a fact records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FactCategory {
    /// A count or other figure.
    Figure,
    /// A position in a ranking.
    Ranking,
    /// Something that happened on a date: a founding, an unveiling, a launch.
    Milestone,
    /// A claimed first ("the world's first …").
    First,
    /// A product, service or solution.
    Product,
    /// A standard written or led.
    Standard,
    /// A certification, qualification or test result.
    Certification,
    /// A deployment or use of a technology.
    Deployment,
    /// A description of what an organization is or does.
    Profile,
    /// A statement of policy, strategy or intent.
    Strategy,
    /// An aim or ambition its claimant states.
    Aim,
    /// An assessment or opinion its claimant states, such as a self-description as a leader.
    Claim,
}

/// A comparison a figure carries in its source ("more than 20").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Comparator {
    /// Exactly this number.
    Exactly,
    /// More than this number.
    MoreThan,
    /// This number or more.
    AtLeast,
    /// Roughly this number.
    About,
}

/// The typed value of a fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum FactValue {
    /// A number with a unit, true as of a date.
    Quantity {
        /// The number as the source states it.
        number: serde_json::Number,
        /// How the source qualifies the number.
        comparator: Comparator,
        /// What is counted or measured, such as "companies" or "users".
        unit: Name,
        /// The date the figure describes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        as_of: Option<PartialDate>,
    },
    /// A place within a named list.
    Rank {
        /// The list, named as the source names it.
        list: Text,
        /// The position in the list, when the source gives one.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "super::common::whole_number"
        )]
        #[schemars(range(min = 1))]
        position: Option<u32>,
        /// The size of the top group it belongs to ("among the top 20").
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "super::common::whole_number"
        )]
        #[schemars(range(min = 1))]
        within_top: Option<u32>,
        /// The date the list describes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        as_of: Option<PartialDate>,
    },
    /// Something that happened on a date.
    Milestone {
        /// When it happened.
        date: PartialDate,
        /// The event where it happened.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event: Option<EventId>,
    },
}

/// A record a fact is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Subject {
    /// An organization.
    Organization(OrganizationId),
    /// A person.
    Person(PersonId),
    /// A place.
    Place(PlaceId),
    /// A partnership.
    Partnership(PartnershipId),
    /// A laboratory.
    Lab(LabId),
    /// A talent programme.
    TalentProgram(TalentProgramId),
    /// An event.
    Event(EventId),
    /// A product, service or solution.
    Product(ProductId),
}

/// Who makes a claim: an organization, a person, or the source itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Claimant {
    /// An organization, such as the issuer of a press release.
    Organization(OrganizationId),
    /// A person, such as a speaker quoted.
    Person(PersonId),
    /// The source text, speaking in its own voice.
    Source(SourceId),
}

/// A single sourced claim: a figure, a ranking, a milestone, a product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// The record id; equal to the file name without `.json`.
    pub id: RecordId,
    /// The claim in one plain sentence; the citation's quote carries the source's words.
    pub statement: Text,
    /// Set when the record is withdrawn: it stays, so its id keeps resolving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Box<Withdrawal<FactId>>>,
    /// What kind of claim it is.
    pub category: FactCategory,
    /// The records the claim is about.
    pub subjects: Vec<Subject>,
    /// Who makes the claim, where it is an assessment or aim rather than a neutral report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimant: Option<Claimant>,
    /// The claim's typed value, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<FactValue>,
    /// Named items the claim lists, such as products.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Name>,
    /// Technology fields it concerns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// The sources that support this record.
    #[serde(default)]
    pub sources: Vec<Citation>,
    /// Values no source states but an editor derived, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<Inference>,
    /// A remark for readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// What kind of text a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A press release.
    PressRelease,
    /// A news article or brief.
    NewsArticle,
    /// A page of an organization's website.
    WebPage,
    /// A report or study.
    Report,
}

/// What a person or outlet credited in a source did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CreditRole {
    /// The outlet the text says it reports from or is taken from.
    OriginalSource,
    /// The wire service that distributed it.
    Distributor,
    /// The author.
    Author,
    /// An editor.
    Editor,
    /// A reviewer.
    Reviewer,
    /// Technical support.
    TechnicalSupport,
}

/// A person or outlet a source credits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credit {
    /// The name as the source gives it.
    pub name: Name,
    /// The organization record of an outlet or company credited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrganizationId>,
    /// What they did.
    pub role: CreditRole,
    /// The source's own words for the credit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<Quote>,
}

/// A published text that records cite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The record id; equal to the file name without `.json`.
    pub id: RecordId,
    /// The title as the text gives it.
    pub title: Text,
    /// Set when the record is withdrawn: it stays, so its id keeps resolving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Box<Withdrawal<SourceId>>>,
    /// What kind of text it is.
    pub kind: SourceKind,
    /// The outlet that published it, when the text says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<OrganizationId>,
    /// The wire service or outlet that distributed it, when the text says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distributor: Option<OrganizationId>,
    /// When it was published, as precisely as the text says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<PartialDate>,
    /// The dateline, as printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline: Option<Name>,
    /// Where it was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Url>,
    /// The language of the text.
    pub language: Language,
    /// People and outlets the text credits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credits: Vec<Credit>,
    /// The SHA-256 of the bytes of the copy the quotes were checked against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<Sha256>,
    /// Values the text does not give but an editor derived, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<Inference>,
    /// A remark for readers: a missing date, a known slip in the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}
