with source as (
    select * from {{ source('landing', 'cells') }}
),

final as (
    select
        -- ids
        sha256 as document_sha256,
        cast(seq as integer) as cell_seq,
        cast(table_no as integer) as table_no,
        -- row and column
        section,
        nullif(code, '') as subject_code,
        name as row_name,
        column_label,
        -- amounts
        {{ cast_yuan('amount_yuan') }} as amount_yuan,
        printed as printed_value,
        unit as printed_unit,
        -- provenance
        cast(page as integer) as page,
        cast(line as integer) as line,
        -- what the figure was read from (text_layer, text_extraction, spreadsheet, word, html, ocr) and how
        -- surely: 1 when read exactly, OCR's recognition score for a scan (rows of older parses: null)
        source as read_from,
        cast(confidence as double) as read_confidence
    from source
)

select * from final
