-- One row per reported data-quality comparison of one document: both figures, the difference, the
-- rounding allowance, the pages involved and a sentence a reader can verify on the page. A `fail` is a
-- publisher inconsistency kept as printed (our own parse failures block the run instead).

with results as (
    select * from {{ ref('stg_check_results') }}
),

documents as (
    select * from {{ ref('dim_document') }}
),

final as (
    select
        -- ids
        md5(r.document_sha256 || '|' || cast(r.result_seq as varchar)) as check_result_id,
        r.document_sha256,
        r.result_seq,
        d.disclosure_key,
        d.department_key,
        -- document
        d.department_name,
        d.fiscal_year,
        d.budget_kind,
        d.source_file,
        d.file_format,
        d.is_selected,
        -- check
        r.check_name,
        r.check_family,
        'warn' as severity,
        r.outcome,
        r.outcome = 'fail' as is_finding,
        r.table_no,
        r.subject,
        r.column_label,
        -- figures
        r.figure_a_yuan,
        r.figure_b_yuan,
        r.difference_yuan,
        r.allowance_yuan,
        r.term_count,
        r.figure_unit,
        -- figure B, when it is one printed cell
        r.table_no_b,
        r.subject_b,
        r.column_label_b,
        -- provenance
        r.page_list,
        r.line_list,
        r.message
    from results as r
    left join documents as d on d.document_sha256 = r.document_sha256
)

select * from final
