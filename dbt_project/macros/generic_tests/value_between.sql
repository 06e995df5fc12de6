{#-
    Every non-null value of `column_name` lies in [min_value, max_value] (bounds inclusive; a bound left out, or
    none, is open). Nulls pass: pair with not_null when the column must be filled. Fails with one row per value
    out of range.

        data_tests:
          - value_between:
              arguments:
                min_value: 0
                max_value: 10
-#}
{% test value_between(model, column_name, min_value=none, max_value=none) %}

{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error('value_between on ' ~ model ~ '.' ~ column_name ~ ': give min_value and/or max_value') }}
{%- endif -%}

select {{ column_name }} as out_of_range_value
from {{ model }}
where {{ column_name }} is not null
    and (
        {%- if min_value is not none %} {{ column_name }} < {{ min_value }}{% endif %}
        {%- if min_value is not none and max_value is not none %} or{% endif %}
        {%- if max_value is not none %} {{ column_name }} > {{ max_value }}{% endif %}
    )

{% endtest %}
