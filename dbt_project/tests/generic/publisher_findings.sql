{#- The publisher's inconsistencies of one family of identities: the `fail` rows of fact_check_result for
    the file selected to represent each disclosure (each finding once, not once per file). Computed by the
    one identity engine (orchestration/quality/identities.py), never re-implemented here. Use severity
    warn: a publisher's arithmetic is reported, the documents flow. -#}
{% test publisher_findings(model, family=none) %}
select
    document_sha256,
    source_file,
    department_name,
    fiscal_year,
    check_name,
    table_no,
    subject,
    column_label,
    figure_a_yuan,
    figure_b_yuan,
    difference_yuan,
    allowance_yuan,
    figure_unit,
    page_list,
    line_list,
    message
from {{ model }}
where outcome = 'fail'
    and is_selected
    {% if family %}and check_family = '{{ family }}'{% endif %}
{% endtest %}
