-- One row per Freshdesk satisfaction rating (`GET /api/v2/surveys/satisfaction_ratings`), deduplicated by id: the
-- default question's code as good (103, 102, 101), neutral (100) or bad (-101, -102, -103).
with rating_rows as (
    {{ latest_version(source('helpdesk', 'freshdesk_satisfaction_ratings'), "payload->>'id'") }}
),

typed as (
    select
        {{ json_text('id') }} as rating_id,
        {{ json_text('ticket_id') }} as ticket_id,
        {{ json_text('survey_id') }} as survey_id,
        {{ json_text('agent_id') }} as agent_id,
        try_cast(payload->'ratings'->>'default_question' as integer) as rating_code,
        {{ json_timestamp('created_at') }} as created_at,
        file_id as source_file_id
    from rating_rows
),

final as (
    select
        *,
        case when rating_code > 100 then 'good' when rating_code < -100 then 'bad' when rating_code = 100 then 'neutral'
        end as satisfaction_score
    from typed
)

select * from final
