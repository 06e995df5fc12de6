-- One row per QA review (the criteria rows sharing a review_id): score, max, pct, pass, agent, team (at review
-- time), reviewer. The published fct_quality_reviews is this model.
with criteria as (
    select * from {{ ref('stg_quality__review_criteria') }}
    where review_id is not null
),

reviews as (
    select
        review_id,
        min(reviewed_at) as reviewed_at,
        min(reviewer_id) as reviewer_id,
        min(agent_id) as agent_id,
        min(interaction_type) as interaction_type,
        min(interaction_id) as interaction_id,
        count(*) as criteria_count,
        sum(score) as score,
        sum(max_score) as max_score
    from criteria
    group by review_id
),

final as (
    select
        reviews.review_id,
        reviews.reviewed_at,
        reviews.reviewer_id,
        reviews.agent_id,
        membership.team_id,
        reviews.interaction_type,
        reviews.interaction_id,
        reviews.criteria_count,
        reviews.score,
        reviews.max_score,
        reviews.score / nullif(reviews.max_score, 0) as score_pct,
        reviews.score / nullif(reviews.max_score, 0) >= {{ var('qa_pass_threshold') }} as is_pass
    from reviews
    {{ join_team_membership('reviews.agent_id', 'reviews.reviewed_at') }}
)

select * from final
