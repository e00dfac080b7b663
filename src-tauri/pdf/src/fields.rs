//! Empty signature fields, one per party, added as an incremental update (the rendered
//! PDF/A file stays an exact byte prefix): an AcroForm with one `/FT /Sig` widget per field,
//! each with an empty appearance (PDF/A), a tooltip (`/TU`), print flag, the page's tab
//! order, and a `/Form` structure element pointing at the widget (PDF/UA).

use lopdf::{
    dictionary, Dictionary, Document, IncrementalDocument, Object, ObjectId, Stream, StringFormat,
};

/// A field to add: its name, tooltip and rectangle in typst coordinates (points from the
/// page's top-left corner), on a 1-based page.
#[derive(Debug, Clone, PartialEq)]
pub struct SigField {
    pub name: String,
    pub tooltip: String,
    pub page: usize,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

fn text(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn err(what: &str) -> String {
    format!("underskriftsfelterne kunne ikke tilføjes: {what}")
}

/// Follows a reference to its object id, or `None` for a direct object.
fn id_of(o: &Object) -> Option<ObjectId> {
    o.as_reference().ok()
}

pub fn add_signature_fields(pdf: &[u8], fields: &[SigField]) -> Result<Vec<u8>, String> {
    let mut doc: IncrementalDocument = pdf.try_into().map_err(|e| err(&format!("{e}")))?;
    let structure = Structure::read(doc.get_prev_documents())?;
    let placements = placements(doc.get_prev_documents(), fields)?;
    let widgets = add_widgets(
        &mut doc,
        fields,
        &placements,
        structure.document_elem,
        structure.next_key,
    );
    add_annots(&mut doc, widgets.annots_by_page)?;
    add_form_elements(&mut doc, structure.document_elem, widgets.form_elems)?;
    extend_parent_tree(
        &mut doc,
        structure.tree_id,
        structure.parent_tree_ref,
        &widgets.nums_additions,
        widgets.next_key,
    )?;
    add_acroform(&mut doc, structure.root_id, widgets.field_refs)?;

    let mut out = Vec::with_capacity(pdf.len() + 4096);
    doc.save_to(&mut out).map_err(|e| err(&format!("{e}")))?;
    Ok(out)
}

/// What the fields are added to: the catalog and the structure tree of the rendered PDF.
struct Structure {
    root_id: ObjectId,
    tree_id: ObjectId,
    /// The structure parent key of the first new widget.
    next_key: i64,
    /// The document element: the structure tree's first kid.
    document_elem: ObjectId,
    parent_tree_ref: Option<Object>,
}

impl Structure {
    fn read(prev: &Document) -> Result<Structure, String> {
        let root_id = prev
            .trailer
            .get(b"Root")
            .ok()
            .and_then(id_of)
            .ok_or_else(|| err("katalog mangler"))?;
        let catalog = prev
            .get_dictionary(root_id)
            .map_err(|e| err(&format!("{e}")))?
            .clone();
        let tree_id = catalog
            .get(b"StructTreeRoot")
            .ok()
            .and_then(id_of)
            .ok_or_else(|| err("strukturtræ mangler"))?;
        let tree = prev
            .get_dictionary(tree_id)
            .map_err(|e| err(&format!("{e}")))?
            .clone();
        let next_key = tree
            .get(b"ParentTreeNextKey")
            .ok()
            .and_then(|o| o.as_i64().ok())
            .ok_or_else(|| err("ParentTreeNextKey mangler"))?;
        let document_elem = match tree.get(b"K") {
            Ok(Object::Reference(id)) => *id,
            Ok(Object::Array(kids)) => kids
                .first()
                .and_then(id_of)
                .ok_or_else(|| err("tomt strukturtræ"))?,
            _ => return Err(err("strukturtræets rod mangler")),
        };
        let parent_tree_ref = tree.get(b"ParentTree").ok().cloned();
        Ok(Structure {
            root_id,
            tree_id,
            next_key,
            document_elem,
            parent_tree_ref,
        })
    }
}

/// Each field's page and that page's height, read before the new objects are made.
fn placements(prev: &Document, fields: &[SigField]) -> Result<Vec<(ObjectId, f64)>, String> {
    let pages = prev.get_pages();
    let mut placements = Vec::new();
    for f in fields {
        let page_id = *pages
            .get(&(f.page as u32))
            .ok_or_else(|| err(&format!("side {} findes ikke", f.page)))?;
        let page = prev
            .get_dictionary(page_id)
            .map_err(|e| err(&format!("{e}")))?;
        let height = page
            .get(b"MediaBox")
            .ok()
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.get(3))
            .and_then(|o| {
                o.as_float()
                    .ok()
                    .or_else(|| o.as_i64().ok().map(|i| i as f32))
            })
            .unwrap_or(842.0) as f64;
        placements.push((page_id, height));
    }
    Ok(placements)
}

/// The new widgets and structure elements, for the pages, the structure and the form.
struct Widgets {
    field_refs: Vec<Object>,
    /// (structure parent key, /Form element) for the parent tree.
    nums_additions: Vec<(i64, ObjectId)>,
    form_elems: Vec<Object>,
    annots_by_page: Vec<(ObjectId, Vec<ObjectId>)>,
    /// The structure parent key after the last widget's.
    next_key: i64,
}

fn add_widgets(
    doc: &mut IncrementalDocument,
    fields: &[SigField],
    placements: &[(ObjectId, f64)],
    document_elem: ObjectId,
    first_key: i64,
) -> Widgets {
    let mut w = Widgets {
        field_refs: Vec::new(),
        nums_additions: Vec::new(),
        form_elems: Vec::new(),
        annots_by_page: Vec::new(),
        next_key: first_key,
    };
    for (f, &(page_id, height)) in fields.iter().zip(placements) {
        let (widget_id, form_id) = add_widget(doc, f, page_id, height, document_elem, w.next_key);
        w.nums_additions.push((w.next_key, form_id));
        w.next_key += 1;
        w.field_refs.push(Object::Reference(widget_id));
        w.form_elems.push(Object::Reference(form_id));
        match w.annots_by_page.iter_mut().find(|(p, _)| *p == page_id) {
            Some((_, list)) => list.push(widget_id),
            None => w.annots_by_page.push((page_id, vec![widget_id])),
        }
    }
    w
}

/// One field: its empty appearance, the `/FT /Sig` widget and its `/Form` structure
/// element. Returns (widget, form element).
fn add_widget(
    doc: &mut IncrementalDocument,
    f: &SigField,
    page_id: ObjectId,
    height: f64,
    document_elem: ObjectId,
    key: i64,
) -> (ObjectId, ObjectId) {
    let (x0, y1) = (f.x, height - f.y);
    let rect = vec![
        Object::Real(x0 as f32),
        Object::Real((y1 - f.h) as f32),
        Object::Real((x0 + f.w) as f32),
        Object::Real(y1 as f32),
    ];
    let appearance = doc.new_document.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), Object::Real(f.w as f32), Object::Real(f.h as f32)],
            "Resources" => Dictionary::new(),
        },
        Vec::new(),
    ));
    let widget_id = doc.new_document.new_object_id();
    let form_id = doc.new_document.new_object_id();
    doc.new_document.set_object(
        widget_id,
        dictionary! {
            "Type" => "Annot",
            "Subtype" => "Widget",
            "FT" => "Sig",
            "T" => Object::string_literal(f.name.as_bytes().to_vec()),
            "TU" => text(&f.tooltip),
            "Rect" => rect,
            "F" => 4,
            "P" => Object::Reference(page_id),
            "AP" => dictionary! { "N" => Object::Reference(appearance) },
            "StructParent" => key,
        },
    );
    doc.new_document.set_object(
        form_id,
        dictionary! {
            "Type" => "StructElem",
            "S" => "Form",
            "P" => Object::Reference(document_elem),
            "Alt" => text(&f.tooltip),
            "K" => dictionary! {
                "Type" => "OBJR",
                "Obj" => Object::Reference(widget_id),
                "Pg" => Object::Reference(page_id),
            },
        },
    );
    (widget_id, form_id)
}

/// Pages: the widgets in /Annots, tab order by structure.
fn add_annots(
    doc: &mut IncrementalDocument,
    annots_by_page: Vec<(ObjectId, Vec<ObjectId>)>,
) -> Result<(), String> {
    for (page_id, widgets) in annots_by_page {
        doc.opt_clone_object_to_new_document(page_id)
            .map_err(|e| err(&format!("{e}")))?;
        let existing: Vec<Object> = {
            let page = doc
                .new_document
                .get_dictionary(page_id)
                .map_err(|e| err(&format!("{e}")))?;
            match page.get(b"Annots") {
                Ok(Object::Array(a)) => a.clone(),
                Ok(Object::Reference(id)) => doc
                    .get_prev_documents()
                    .get_object(*id)
                    .ok()
                    .and_then(|o| o.as_array().ok().cloned())
                    .unwrap_or_default(),
                _ => Vec::new(),
            }
        };
        let page = doc
            .new_document
            .get_dictionary_mut(page_id)
            .map_err(|e| err(&format!("{e}")))?;
        let mut annots = existing;
        annots.extend(widgets.into_iter().map(Object::Reference));
        page.set("Annots", annots);
        page.set("Tabs", "S");
    }
    Ok(())
}

/// The structure: the /Form elements under the document element.
fn add_form_elements(
    doc: &mut IncrementalDocument,
    document_elem: ObjectId,
    form_elems: Vec<Object>,
) -> Result<(), String> {
    doc.opt_clone_object_to_new_document(document_elem)
        .map_err(|e| err(&format!("{e}")))?;
    let elem = doc
        .new_document
        .get_dictionary_mut(document_elem)
        .map_err(|e| err(&format!("{e}")))?;
    let mut kids = match elem.get(b"K") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(other) => vec![other.clone()],
        Err(_) => Vec::new(),
    };
    kids.extend(form_elems);
    elem.set("K", kids);
    Ok(())
}

/// The structure's parent tree: the widgets' keys to their /Form elements, and the next key.
fn extend_parent_tree(
    doc: &mut IncrementalDocument,
    tree_id: ObjectId,
    parent_tree_ref: Option<Object>,
    nums_additions: &[(i64, ObjectId)],
    next_key: i64,
) -> Result<(), String> {
    let add_nums = |nums: &mut Vec<Object>| {
        for (key, id) in nums_additions {
            nums.push(Object::Integer(*key));
            nums.push(Object::Reference(*id));
        }
    };
    doc.opt_clone_object_to_new_document(tree_id)
        .map_err(|e| err(&format!("{e}")))?;
    match parent_tree_ref {
        Some(Object::Reference(pt_id)) => {
            doc.opt_clone_object_to_new_document(pt_id)
                .map_err(|e| err(&format!("{e}")))?;
            let pt = doc
                .new_document
                .get_dictionary_mut(pt_id)
                .map_err(|e| err(&format!("{e}")))?;
            let mut nums = match pt.get(b"Nums") {
                Ok(Object::Array(a)) => a.clone(),
                _ => return Err(err("strukturens ParentTree har ingen /Nums")),
            };
            add_nums(&mut nums);
            pt.set("Nums", nums);
        }
        Some(Object::Dictionary(mut pt)) => {
            let mut nums = match pt.get(b"Nums") {
                Ok(Object::Array(a)) => a.clone(),
                _ => return Err(err("strukturens ParentTree har ingen /Nums")),
            };
            add_nums(&mut nums);
            pt.set("Nums", nums);
            let tree = doc
                .new_document
                .get_dictionary_mut(tree_id)
                .map_err(|e| err(&format!("{e}")))?;
            tree.set("ParentTree", pt);
        }
        _ => {
            let mut nums = Vec::new();
            add_nums(&mut nums);
            let tree = doc
                .new_document
                .get_dictionary_mut(tree_id)
                .map_err(|e| err(&format!("{e}")))?;
            tree.set("ParentTree", dictionary! { "Nums" => nums });
        }
    }
    doc.new_document
        .get_dictionary_mut(tree_id)
        .map_err(|e| err(&format!("{e}")))?
        .set("ParentTreeNextKey", next_key);
    Ok(())
}

/// The catalog: the AcroForm with the fields.
fn add_acroform(
    doc: &mut IncrementalDocument,
    root_id: ObjectId,
    field_refs: Vec<Object>,
) -> Result<(), String> {
    doc.opt_clone_object_to_new_document(root_id)
        .map_err(|e| err(&format!("{e}")))?;
    let acroform = doc
        .new_document
        .add_object(dictionary! { "Fields" => field_refs });
    doc.new_document
        .get_dictionary_mut(root_id)
        .map_err(|e| err(&format!("{e}")))?
        .set("AcroForm", Object::Reference(acroform));
    Ok(())
}
