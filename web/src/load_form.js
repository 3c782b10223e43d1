// The load part of the start form: users + spawn rate (Locust's fields), an arrival rate with a max
// in-flight (the open model), or stages in the --stages syntax. Only the chosen block's inputs are
// enabled, so the browser validates and submits just those. When the scenario or the command line sets
// the load shape (config.shape_controlled), the choice is hidden and starting runs that shape, as
// Locust's form does with a LoadTestShape. Stages end the test themselves and set no in-flight limit of
// their own, so with stages chosen the form offers neither Run time nor Max in-flight (a run time would
// silently cut the stages short). The arrival distribution (constant or Poisson) goes with an arrival
// rate or stages; the server refuses Poisson for stages of users. With --class-picker (config.class_picker)
// the form also picks the user classes a new test runs and whether the scenario's shape runs (Locust's
// picker): a shape picked works as a configured one. An edit changes neither, so it sends neither.
'use strict';

const loadForm = (() => {
  const $ = (id) => document.getElementById(id);
  let shapeControlled = false;
  let shapeOpenModel = false;
  let editing = false;
  let picker = false;

  // A shape runs: the command line's or the scenario's, or with the picker the one picked.
  const shapeRuns = () => shapeControlled || (picker && $('shape_class').value !== 'Default');

  function fillPicker(config) {
    const option = (name, chosen) => {
      const o = document.createElement('option');
      o.value = o.textContent = name;
      o.selected = chosen;
      return o;
    };
    // Every class picked at first, as in Locust's form; the shape: Default.
    const classes = config.available_user_classes.map((n) => option(n, true));
    const shapes = config.available_shape_classes.map((n) => option(n, n === 'Default'));
    $('user_classes').replaceChildren(...classes);
    $('shape_class').replaceChildren(...shapes);
    $('shape_class').addEventListener('change', () => loadForm.open(editing));
  }

  // Shows the blocks whose data-load lists `kind` ('' hides them all) and enables only their inputs.
  function show(kind) {
    for (const block of document.querySelectorAll('#swarm-form [data-load]')) {
      const on = kind !== '' && block.dataset.load.split(' ').includes(kind);
      block.classList.toggle('hidden', !on);
      for (const input of block.querySelectorAll('input, select')) input.disabled = !on;
    }
    const noRunTime = editing || kind === 'stages';
    $('run-time-row').classList.toggle('hidden', noRunTime);
    $('run_time').disabled = noRunTime;
  }

  function chosen() { return document.querySelector('input[name=load_kind]:checked').value; }

  function choose(kind) {
    for (const r of document.querySelectorAll('input[name=load_kind]')) r.checked = r.value === kind;
    show(kind);
  }

  return {
    // Fills the form from GET config.
    init(config) {
      shapeControlled = config.shape_controlled;
      shapeOpenModel = config.shape_open_model;
      $('user_count').value = config.users;
      $('spawn_rate').value = config.spawn_rate;
      $('max_inflight').value = config.max_inflight;
      $('stages').value = config.stages || '';
      $('arrival_distribution').value = config.arrival_distribution || 'constant';
      for (const r of document.querySelectorAll('input[name=load_kind]')) r.addEventListener('change', () => show(chosen()));
      picker = !!config.class_picker;
      if (picker) fillPicker(config);
      if (shapeControlled) {
        $('shape-note').textContent = `The load shape is set by the scenario or the command line: ${config.shape}. ` +
          'Starting runs it.';
      } else if (picker) {
        $('shape-note').textContent =
            `The shape class picked sets the load: ${config.shape}. Starting runs it.`;
      }
    },
    // A new test: the load choice (or the shape note). An edit: only what the running test can change.
    open(edit, loadMode) {
      editing = edit;
      $('class-picker').classList.toggle('hidden', !picker || edit);
      for (const id of ['user_classes', 'shape_class']) $(id).disabled = !picker || edit;
      const fixedShape = !edit && shapeRuns();
      $('load-choice').classList.toggle('hidden', edit || fixedShape);
      $('shape-note').classList.toggle('hidden', !fixedShape);
      if (fixedShape) {
        show('');
        // A configured shape of arrival rates still takes its arrivals from the form.
        $('arrival-distribution-row').classList.toggle('hidden', !shapeOpenModel);
        $('arrival_distribution').disabled = !shapeOpenModel;
      } else if (edit)
        show(loadMode === 'arrival_rate' ? 'arrival_rate' : 'users');
      else show(chosen());
      // An edit of an arrival rate changes only the rate: the in-flight limit and the arrival
      // distribution are fixed for the test.
      if (edit) {
        for (const id of ['max_inflight', 'arrival_distribution']) {
          $(id).disabled = true;
          $(id).closest('[data-load]').classList.add('hidden');
        }
      }
    },
    // Whether a running test with this load mode can be edited (a shape moves on by itself).
    editable(loadMode) { return loadMode === 'users' || loadMode === 'arrival_rate'; },
    choose,
  };
})();
