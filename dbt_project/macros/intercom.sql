{#- Intercom times are epoch seconds (UTC): a JSON text expression as timestamptz, null unless a finite number of
    seconds in to_timestamp's range (the ingestion rules quarantine a created_at/updated_at that is not). -#}
{% macro intercom_epoch(expression) -%}
    to_timestamp(case
        when isfinite(try_cast(nullif(trim({{ expression }}), '') as double))
            and try_cast(nullif(trim({{ expression }}), '') as double) between 0 and 253402300799
            then try_cast(nullif(trim({{ expression }}), '') as double)
    end)
{%- endmacro %}
