// Docker tests start containers, hosts and load on a 2-core machine: one test at a time keeps timings honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
