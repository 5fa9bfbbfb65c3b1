{#- Rows for which a boolean SQL expression is false (like dbt_utils.expression_is_true, kept local so the
    project needs no package download). -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not ({{ expression }})
{% endtest %}
