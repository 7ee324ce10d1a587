"""Names vulture cannot see used, because they are used dynamically (read by vulture, never run).

tests/test_dead_code.py runs ``vulture dossier tests/vulture_whitelist.py --min-confidence 60``; a
name vulture reports that is not here is dead code: delete it, or add it here under the reason that
makes it live. Regenerate candidates with ``.venv/bin/vulture dossier --make-whitelist``.
"""

# ruff: noqa
# fmt: off

# --- click: commands registered by their decorator; a ParamType's convert(value, param, ctx) signature;
# the Chinese help formatter's overrides (cli/i18n.py) and the classes click instantiates from attributes.
bind_cmd; export_xlsx; import_invoices; import_xlsx; init; lint; site; watch
param
_.write_heading; _.write_dl; _.get_short_help_str
formatter_class; context_class; command_class; _.group_class

# --- pydantic: model fields read by attribute name from YAML and templates, validators called by pydantic.
model_config
before_analysis; goals; main_content; payment_voucher; bank_statement; extends
_._implemented_words; _._one_or_many; _._type_words

# --- Jinja templates (templates/report/*.j2) read these; JSON output via dataclasses.asdict.
below_threshold                   # batch row → dashboard.html.j2, --json
_.mid; improved                   # html_report/charts.py → charts.html.j2, report.html.j2
has_errors; _.has_errors          # html_report/media.py, media_inspection/result.py → report.html.j2
scan_page; volume_page; seam_ink_mm2  # scan PageResult → dossier scan --json (asdict)
unit_price                        # InvoiceLine: a field of the parsed invoice (dataclass field)

# --- Modules imported ahead of their use, for the import's time (build._prepare_report imports
# dossier.documents.assemble and dossier.bind while the report's media are collected).
dossier

# --- watchdog calls the handler's on_any_event.
_.on_any_event

# --- Python calls a module's __getattr__ for a name the module does not define (PEP 562): media_inspection's
# lazy re-export of the e-invoice reader.
__getattr__

# --- Attributes set on library objects: the library reads them (python-pptx, openpyxl, zipfile,
# pikepdf, fontTools' subsetter options, python-docx/pptx core properties, ruamel.yaml).
_.Count; _.DecodeParms; _.ID; _.Kids; _.Type; _.PageLabels
_.alignment; _.compress_type; _.create_system; _.external_attr; _.flag_bits
_.created; _.creator; _.modified; _.author; _.last_modified_by; _.comments; _.revision
_.desubroutinize; _.drop_tables; _.glyph_names; _.hinting; _.layout_features; _.name_IDs; _.name_languages
_.notdef_outline; _.prune_codepage_ranges; _.prune_unicode_ranges; _.recalcTimestamp  # fontTools reads these
_.first_row; _.fitToHeight; _.fitToPage; _.fitToWidth; _.freeze_panes; _.horizontalCentered; _.paperSize
_.print_area; _.print_title_rows
_.gap_width; _.has_data_labels; _.has_legend; _.has_major_gridlines; _.has_title; _.horz_banding
_.line_spacing; _.margin_bottom; _.margin_left; _.margin_right; _.margin_top; _.maximum_scale; _.minimum_scale
_.number_format_is_linked; _.reverse_order; _.rgb; _.space_before; _.vertical_anchor; _.visible; _.word_wrap
_.preserve_quotes; _.ignore_aliases

# --- Public helpers whose only callers are the tests (kept as API: each is small and tested).
check_pdf                         # fidelity: one docx/PDF pair (build uses check_documents)
to_decimal; make_uscc             # formats: the tests build USCCs and amounts with them
_.is_digital                      # evidence/einvoice: 数电 vs 全电, asserted by test_einvoice_read
shipped_files                     # resources: test_install compares the wheel with it
forget                            # bind/remember: the tests empty its in-memory tables between cases
_.ahead                           # bind/kept: sources a binding took from hold(), asserted by test_bind_kept and test_watch

# --- dossier/application/programme_schema.py: the programme YAML's keys, declared so that pydantic validates them
# (unknown keys are refused), read from the parsed dict by programme.py, not from the model; its
# validators are called by pydantic.
seal_diameter_mm; hundred_billion; photo_megabyte; city; district_directory; guidance_catalogue
scenario_guide; tax_rates; max_chars; min_bytes; max_seconds; notice; issuer; published
investment_window; key_industries; district_deadline; mailbox_limit_mb; seals; clauses; roadshow
_._titled; _._no_float; _._references

# --- bind/manifest.py: the seal group's center_mm is written to manifest.json for readers outside
# dossier (to_json takes the dataclass fields by name).
center_mm

# --- evidence/invoices.py: InvoiceReading.details_error is read_invoice's error for the file, kept
# beside einvoices_error so a reading says why each side failed (the rules need only that it did;
# test_check_remembered compares it with read_invoice's).
_.details_error
