//! "Check connection" in the sync view: the engine runs the connection doctor for an
//! account (`EngineHandle::check_connection`) and its steps come back as an event.
use super::app::App;
use crate::discovery::doctor::Step;
use crate::engine::Failure;
use crate::model::AccountId;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub enum DoctorState {
    Running,
    Done(Arc<Vec<Step>>),
    Failed(Failure),
}

impl App {
    pub(super) fn check_connection(&mut self, account: AccountId) {
        self.doctor.insert(account, DoctorState::Running);
        self.engine.check_connection(account);
    }

    pub(super) fn on_doctor(&mut self, account: AccountId, r: Result<Arc<Vec<Step>>, Failure>) {
        let state = match r {
            Ok(steps) => DoctorState::Done(steps),
            Err(f) => DoctorState::Failed(f),
        };
        self.doctor.insert(account, state);
    }
}
