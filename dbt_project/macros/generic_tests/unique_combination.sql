{#-
    The combination of `columns` is unique in the model (dbt_utils.unique_combination_of_columns without the
    package). Null is treated as a value: two rows with the same nulls in the same columns are duplicates.
    Fails with one row per duplicated combination and its count.

        data_tests:
          - unique_combination:
              arguments:
                columns: [call_id, queue]
-#}
{% test unique_combination(model, columns) %}

{%- if columns is string -%}
    {%- set columns = [columns] -%}
{%- endif -%}
{%- if not columns -%}
    {{ exceptions.raise_compiler_error('unique_combination on ' ~ model ~ ': give at least one column') }}
{%- endif -%}

select
    {% for column in columns -%}
    {{ column }},
    {% endfor -%}
    count(*) as n_records
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
