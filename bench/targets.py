"""What the benchmark measures against: its targets and the BI query it times.

Read by the run (``bench.benchmark``) and by its report (``bench.benchmark_report``).
"""

__all__ = ["BI_QUERY", "TARGETS"]

TARGETS = {
    "parse_ratio": 1.25,  # our parser / bare pdfplumber extract_tables(), same pages
    "cold_s": 60.0,  # main job, embedded corpus, empty warehouse
    "rerun_s": 15.0,  # main job again, nothing new
    "linearity": 0.10,  # per-document cost at the large size vs the small one
    "peak_gib": 1.0,  # whole process tree
    "bi_ms": 100.0,  # median of the BI query
}
# A dashboard's staple: expense by district × year × 类 (all funds: the default filter, each yuan once).
BI_QUERY = """
select
    dep.district,
    fact.fiscal_year,
    subj.class_code,
    any_value(subj.class_name) as class_name,
    sum(fact.amount_yuan) as amount_yuan,
    count(*) as facts
from marts.fact_expense as fact
inner join marts.dim_department as dep on dep.department_key = fact.department_key
inner join marts.dim_subject as subj on subj.subject_code = fact.subject_code
where fact.fund_scope = 'all_funds'
group by all
order by all
"""
