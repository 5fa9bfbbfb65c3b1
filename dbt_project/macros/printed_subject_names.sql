{#- The name a subject code carries in the documents: the one most documents print (ties broken by the
    name), with every printed variant listed and counted, so a disagreement is surfaced, not hidden.
    `cells` is a relation or CTE with subject_code, row_name and document_sha256. Shared by dim_subject
    and dim_economic_subject. -#}
{% macro printed_subject_names(cells) -%}
    select
        subject_code,
        max(case when name_rank = 1 then row_name end) as subject_name,
        count(*) as name_variant_count,
        {{ dbt.listagg('row_name', "' | '", 'order by name_rank') }} as name_variants
    from (
        select
            subject_code,
            row_name,
            row_number() over (partition by subject_code order by document_count desc, row_name) as name_rank
        from (
            select
                subject_code,
                row_name,
                count(distinct document_sha256) as document_count
            from {{ cells }}
            group by subject_code, row_name
        ) as names
    ) as ranked
    group by subject_code
{%- endmacro %}
