-- One row per review criterion (a repeated (review_id, criterion) keeps its latest file).
with criterion_rows as (
    {{ latest_version(source('quality', 'qa_reviews'), "payload->>'review_id', payload->>'criterion'") }}
),

final as (
    select
        {{ json_text('review_id') }} as review_id,
        {{ json_timestamp('reviewed_at') }} as reviewed_at,
        {{ json_text('reviewer_id') }} as reviewer_id,
        {{ json_text('agent_id') }} as agent_id,
        lower({{ json_text('interaction_type') }}) as interaction_type,
        {{ json_text('interaction_id') }} as interaction_id,
        {{ json_text('criterion') }} as criterion,
        try_cast({{ json_text('score') }} as double) as score,
        try_cast({{ json_text('max_score') }} as double) as max_score
    from criterion_rows
)

select * from final
