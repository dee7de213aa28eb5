-- What the reports read: the pr data file's rows (and lines that are no row: a year or a
-- value that does not parse) and how many years the population holds.
select
  (select count(*) from bls_data
    where survey = 'pr' and file = 'pr.data.0.Current' and year is not null and value is not null) as bls_rows,
  (select count(*) from bls_data
    where survey = 'pr' and file = 'pr.data.0.Current' and (year is null or value is null)) as bls_rejected,
  (select count(*) from population where year is not null) as population_years
