-- One row per response of a generic survey CSV (a repeated response_id keeps its latest file); every row is a
-- real, finished response.
with response_rows as (
    {{ latest_version(source('surveys', 'generic_survey_responses'), "payload->>'response_id'") }}
),

final as (
    select
        {{ json_text('response_id') }} as response_id,
        {{ json_timestamp('responded_at') }} as responded_at,
        lower({{ json_text('channel') }}) as channel,
        try_cast({{ json_text('nps_score') }} as integer) as nps_score,
        try_cast({{ json_text('csat_score') }} as integer) as csat_score,
        {{ json_text('comment') }} as comment,
        {{ json_text('ticket_id') }} as ticket_id,
        {{ json_text('call_id') }} as call_id,
        {{ json_text('customer_email_hash') }} as customer_email_hash
    from response_rows
)

select * from final
