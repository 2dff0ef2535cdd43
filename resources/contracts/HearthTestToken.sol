// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title A stand-in for USDC on local networks and in tests (6 decimals). Never deploy it elsewhere.
contract HearthTestToken is ERC20, Ownable {
    constructor(address holder, uint256 initialSupply) ERC20("Hearth Test Dollar", "tUSD") Ownable(msg.sender) {
        _mint(holder, initialSupply);
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Lets the local network fund payers.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
